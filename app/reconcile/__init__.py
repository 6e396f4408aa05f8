"""The W3C Reconciliation API (version 0.2, as OpenRefine 3.8+ speaks it) over the bodies
complained about: match a spreadsheet's column of council names to slugs and figures."""

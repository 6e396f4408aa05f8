"""Text pools for the demo corpus: LGSCO's categories with sub-category-specific prose.

Each sub-category carries its own vocabulary (EHC plan, DoLS, disabled facilities grant,
penalty charge notice, ...) so that full-text search over the synthetic corpus behaves like
search over the real one: a query for "EHC plan" finds education decisions, not everything.

Templates are `str.format_map` strings over the slots built in `texts.py`:
{C} complainant ("Mr X"), {Cs} possessive, {poss} his/her/their, {obj} him/her/them,
{pron} he/she/they (only before past-tense verbs, so agreement never matters), {s} verb "s"
("complains" / "complain" for "Mr and Mrs L"), {has}, {was}, {B}/{TB} "the Council"/"The
Council" (or Care Provider / Authority), {Bs}/{TBs} possessives, {rel} a family member,
{y0}/{y1} years, {m1}..{m3} months, {a1} an amount quoted as a fact, {n} a number word,
{weeks} a number of weeks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sub:
    """A sub-category: what people complain about, what happened, fault and no-fault."""

    name: str
    issues: tuple[str, ...]
    facts: tuple[str, ...]
    faults: tuple[str, ...]
    nofaults: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    """A top-level LGSCO category with its law, family members and remedy vocabulary."""

    name: str
    subs: tuple[Sub, ...]
    law: tuple[str, ...]
    rels: tuple[str, ...]
    areas: tuple[str, ...]  # "review its procedures for {area}"
    reconsider: tuple[str, ...]  # "reconsider its decision on {Cs} {item}"
    closed_reasons: tuple[str, ...]
    reassessable: bool = False  # does "carry out a fresh assessment" make sense here


ADULT = Category(
    name="Adult care services",
    rels=("mother", "father", "husband", "wife", "aunt", "brother"),
    areas=("hospital discharge planning", "commissioned home care", "care planning"),
    reconsider=("care charges", "personal budget"),
    reassessable=True,
    law=(
        "The Care Act 2014 places a duty on councils to assess the needs of an adult who "
        "appears to need care and support. Where the adult has eligible needs, the council must "
        "prepare a care and support plan and keep it under review.",
        "The Care and Support Statutory Guidance says councils should involve the person and "
        "their family in assessment and care planning, and should give clear information about "
        "charges before care begins.",
    ),
    closed_reasons=(
        "the care provider has already apologised and changed its practice, so an "
        "investigation would not achieve anything more",
        "it is unlikely we would find fault in the assessment {B} carried out",
    ),
    subs=(
        Sub(
            "Assessment and care plan",
            issues=(
                "how {B} assessed {poss} {rel}’s care and support needs under the Care Act 2014",
                "the delay in producing a care and support plan for {poss} {rel} after a hospital "
                "discharge",
            ),
            facts=(
                "In {m1} {y0} {Cs} {rel} was discharged from hospital to a reablement placement. "
                "A social worker carried out a Care Act assessment and recorded help was needed "
                "with washing, dressing and medication. The assessment did not record the views "
                "of the family.",
                "The care and support plan was not finalised until {m3} {y1}. In the meantime the "
                "family arranged and paid for extra visits from a home care agency. The case "
                "notes show {C} chased the allocated worker on {n} occasions.",
            ),
            faults=(
                "{TB} did not complete the care and support plan within a reasonable time and "
                "did not involve the family in the assessment as the statutory guidance "
                "requires. That was fault.",
            ),
            nofaults=(
                "The assessment considered each outcome in the Care and Support (Eligibility "
                "Criteria) Regulations 2015 and recorded the evidence relied on. {TB} was "
                "entitled to reach the view it did.",
            ),
        ),
        Sub(
            "Charging",
            issues=(
                "the charges {B} made for {poss} {rel}’s residential care and the financial "
                "assessment behind them",
                "{Bs} decision to treat a gift of money as deprivation of assets when "
                "assessing {poss} {rel}’s contribution to care costs",
            ),
            facts=(
                "{TB} completed a financial assessment in {m1} {y0} and decided {Cs} {rel} "
                "should contribute {a1} a week towards the cost of care. It did not explain how "
                "it had treated disability-related expenditure.",
                "The first invoice was not sent until {m3} {y1}, by which time a large backdated "
                "debt had built up. {C} said the family had not been told about the charges when "
                "the care began.",
            ),
            faults=(
                "{TB} did not give the family clear information about charging before care "
                "started and took too long to complete the financial assessment. That was "
                "fault.",
            ),
            nofaults=(
                "The financial assessment followed the statutory guidance and the charging "
                "policy, and took account of the disability-related expenditure the family "
                "declared.",
            ),
        ),
        Sub(
            "Domiciliary care",
            issues=(
                "missed and late home care visits to {poss} {rel}",
                "the quality of the domiciliary care arranged for {poss} {rel}",
            ),
            facts=(
                "The care plan provided for four calls a day from carers to help with meals, "
                "medication and personal care. Electronic call monitoring records show {n} calls "
                "were missed between {m1} and {m2} {y0} and others were over an hour late.",
                "{C} said {poss} {rel} was left without food and tablets on several evenings. The "
                "agency’s own notes record that the rota was short of carers over the summer.",
            ),
            faults=(
                "Missed calls left a vulnerable adult without the support set out in the care "
                "plan. The responsible body remains accountable for care it commissions, and "
                "these failures were fault.",
            ),
            nofaults=(
                "The call monitoring records show the visits took place and the carers stayed "
                "for the time planned. There is no evidence that calls were routinely missed.",
            ),
        ),
        Sub(
            "Residential care",
            issues=(
                "the care {poss} {rel} received in a care home, including falls and weight loss",
                "how a care home managed {poss} {rel}’s medication and pressure care",
            ),
            facts=(
                "{Cs} {rel} moved into the care home in {m1} {y0} with a diagnosis of dementia. "
                "The care plan identified a high risk of falls and the need for repositioning "
                "every four hours to prevent pressure sores.",
                "The care records show gaps in the repositioning charts and the weight charts "
                "over several weeks. A district nurse found a grade three pressure ulcer in {m3} "
                "{y1}. The home did not tell the family for several days.",
            ),
            faults=(
                "Staff did not follow the care plan or keep adequate records, and the family "
                "were not told promptly about the pressure ulcer. That was fault.",
            ),
            nofaults=(
                "The records show staff followed the falls risk assessment, sought medical advice "
                "promptly and kept the family informed.",
            ),
        ),
        Sub(
            "Safeguarding",
            issues=(
                "how {B} handled a safeguarding concern about {poss} {rel}",
                "the delay in deciding a Deprivation of Liberty Safeguards (DoLS) application for "
                "{poss} {rel}",
            ),
            facts=(
                "A safeguarding concern was raised in {m1} {y0} after unexplained bruising was "
                "found. A strategy discussion took place but no section 42 enquiry was completed "
                "and {C} {was} not told the outcome.",
                "The care home applied for a standard DoLS authorisation in {m2} {y0}. The "
                "supervisory body did not assess the application for {n} months, although the "
                "Deprivation of Liberty Safeguards expect a decision within 21 days.",
            ),
            faults=(
                "The safeguarding enquiry was not completed properly and the DoLS application "
                "was not decided in time. That was fault.",
            ),
            nofaults=(
                "The safeguarding concern was acted on promptly, enquiries were proportionate and "
                "the outcome was shared with the family.",
            ),
        ),
        Sub(
            "Direct payments",
            issues=(
                "the reduction of the direct payments used to employ {poss} {rel}’s personal "
                "assistants",
                "the audit of a direct payment account and a request to repay unspent funds",
            ),
            facts=(
                "{C} managed a direct payment of {a1} a week to employ personal assistants. In "
                "{m1} {y0} {B} reviewed the support plan and cut the hours without a fresh "
                "assessment.",
                "The direct payments team audited the account in {m2} {y1} and asked for unspent "
                "funds to be returned. The family said the money was kept back for holiday "
                "cover.",
            ),
            faults=(
                "{TB} reduced the direct payment without reassessing needs or giving reasons. "
                "That was fault.",
            ),
            nofaults=(
                "The direct payment agreement allowed recovery of unspent funds above the agreed "
                "contingency, and {B} explained its calculation.",
            ),
        ),
        Sub(
            "Disabled facilities grants",
            issues=(
                "the delay in approving a disabled facilities grant for adaptations to {poss} home",
                "the quality of works funded by a disabled facilities grant",
            ),
            facts=(
                "An occupational therapist recommended a level-access shower and a stairlift in "
                "{m1} {y0}. The disabled facilities grant was not approved until {m3} {y1}.",
                "The Housing Grants, Construction and Regeneration Act 1996 says a grant "
                "application must be decided within six months.",
            ),
            faults=(
                "{TB} took longer than six months to decide the grant application. That was fault.",
            ),
            nofaults=("{TB} decided the grant within the statutory six months.",),
        ),
    ),
)

BENEFITS = Category(
    name="Benefits and tax",
    rels=("partner", "son", "daughter"),
    areas=("council tax recovery", "benefit claims", "discount applications"),
    reconsider=("discount application", "claim"),
    law=(
        "Councils bill and collect council tax under the Local Government Finance Act 1992. "
        "Where a taxpayer falls behind, the council may apply to the magistrates’ court for a "
        "liability order and then instruct enforcement agents.",
        "A person who disputes their liability for council tax, or a discount, can appeal to "
        "the Valuation Tribunal. We cannot normally investigate a matter that could be appealed "
        "to a tribunal.",
    ),
    closed_reasons=(
        "{C} could have appealed to the Valuation Tribunal, and it was reasonable to expect "
        "{obj} to do so",
        "{C} had a right of appeal to the First-tier Tribunal",
    ),
    subs=(
        Sub(
            "Council tax",
            issues=(
                "{Bs} recovery of council tax arrears using enforcement agents",
                "{Bs} refusal to award a single person discount on {poss} council tax account",
            ),
            facts=(
                "{TB} issued a reminder and then a final notice in {m1} {y0}. It obtained a "
                "liability order at the magistrates’ court and passed the account to enforcement "
                "agents, who added fees of {a1}.",
                "{C} told {B} in {m2} {y0} that {pron} lived alone and asked for the single person "
                "discount. {TB} asked for evidence but did not process the documents sent.",
            ),
            faults=(
                "{TB} did not deal with {Cs} correspondence before taking recovery action. That "
                "was fault.",
            ),
            nofaults=(
                "{TB} followed the Council Tax (Administration and Enforcement) Regulations 1992 "
                "before asking the court for a liability order.",
            ),
        ),
        Sub(
            "Housing benefit and council tax benefit",
            issues=(
                "the delay in deciding {poss} housing benefit claim",
                "{Bs} decision that {C} had been overpaid housing benefit",
            ),
            facts=(
                "{C} made a claim in {m1} {y0} after a change of circumstances. The claim was not "
                "decided for {n} months, and rent arrears built up while the landlord waited.",
                "{TB} later decided there had been an overpayment of {a1} because an increase in "
                "earnings had not been reported.",
            ),
            faults=(
                "{TB} took too long to decide the claim and did not explain how to ask for a "
                "reconsideration. That was fault.",
            ),
            nofaults=(
                "The overpayment decision letter explained the calculation and the right of "
                "appeal correctly.",
            ),
        ),
        Sub(
            "Other",
            issues=(
                "{Bs} refusal to award small business rate relief",
                "a backdated business rates bill for {poss} shop",
            ),
            facts=(
                "{C} took on the lease of a small shop unit in {m1} {y0}. {TB} billed the full "
                "charge and did not apply small business rate relief despite an application.",
                "In {m2} {y1} a backdated bill of {a1} followed a change to the rateable value by "
                "the Valuation Office Agency.",
            ),
            faults=(
                "{TB} did not consider the relief application for many months. That was fault.",
            ),
            nofaults=(
                "The backdated bill followed a change in the rating list, which {B} was obliged "
                "to apply.",
            ),
        ),
        Sub(
            "Council tax support",
            issues=(
                "{Bs} decision to end {poss} council tax reduction",
                "how {B} assessed {poss} income for council tax reduction",
            ),
            facts=(
                "{C} received council tax reduction until {m1} {y0}, when {B} ended it after a "
                "data match with HMRC suggested a higher income.",
                "{C} sent wage slips showing the income had been counted twice, but the account "
                "was not corrected and a new bill of {a1} was issued.",
            ),
            faults=(
                "{TB} did not consider the evidence {C} sent before issuing a new bill. That was "
                "fault.",
            ),
            nofaults=(
                "{TB} applied its council tax reduction scheme correctly to the income declared.",
            ),
        ),
    ),
)

CHILDREN = Category(
    name="Children's care services",
    rels=("son", "daughter", "grandson", "granddaughter"),
    areas=("child protection conferences", "sharing reports with parents", "care planning"),
    reconsider=("support plan", "allowance"),
    reassessable=True,
    law=(
        "Section 17 of the Children Act 1989 places a general duty on councils to safeguard "
        "and promote the welfare of children in need in their area.",
        "Where there is reasonable cause to suspect a child is suffering, or is likely to "
        "suffer, significant harm, the council must make enquiries under section 47 of the "
        "Children Act 1989. Working Together to Safeguard Children sets out how agencies "
        "should do this.",
    ),
    closed_reasons=(
        "the matters complained about were considered by the family court",
        "the complaint is late and there are no good reasons to look at it now",
    ),
    subs=(
        Sub(
            "Child protection",
            issues=(
                "{Bs} actions during a child protection investigation involving {poss} {rel}",
                "how {B} shared information at a child protection conference",
            ),
            facts=(
                "In {m1} {y0} the school made a referral about {Cs} {rel}. A strategy meeting "
                "agreed to make enquiries under section 47 of the Children Act 1989.",
                "An initial child protection conference was held in {m2} {y0}. The conference "
                "report contained factual errors about the family which {C} asked to be "
                "corrected. Nobody replied.",
            ),
            faults=(
                "{TB} did not share the conference report in time for {C} to read it and did not "
                "correct the inaccurate information. That was fault.",
            ),
            nofaults=(
                "The decision to start section 47 enquiries was one {B} was entitled to make on "
                "the information it had.",
            ),
        ),
        Sub(
            "Looked after children",
            issues=(
                "the support {B} gave {poss} {rel} as a looked after child",
                "{Bs} planning for {poss} {rel} leaving care",
            ),
            facts=(
                "{Cs} {rel} became looked after under section 20 of the Children Act 1989 in "
                "{m1} {y0}. The care plan said the independent reviewing officer would review the "
                "placement every six months.",
                "A pathway plan should have been in place by the sixteenth birthday. The records "
                "show the first pathway plan was drawn up in {m3} {y1}.",
            ),
            faults=(
                "Reviews did not take place on time and the pathway plan was late. That was fault.",
            ),
            nofaults=("Reviews took place on time and the care plan was updated after each one.",),
        ),
        Sub(
            "Fostering",
            issues=(
                "{Bs} decision to end {poss} approval as a foster carer",
                "the fostering allowances {B} paid to {C}",
            ),
            facts=(
                "{C} had been an approved foster carer since {y0}. After an allegation, the "
                "fostering panel recommended termination of approval and the agency decision "
                "maker agreed.",
                "{C} said the Fostering Services Regulations were not followed and no referral to "
                "the Independent Review Mechanism was offered.",
            ),
            faults=(
                "{TB} did not tell {C} about the Independent Review Mechanism. That was fault.",
            ),
            nofaults=(
                "The fostering panel considered the evidence and the agency decision maker gave "
                "reasons. The process followed the regulations.",
            ),
        ),
        Sub(
            "Disabled children",
            issues=(
                "short breaks for {poss} disabled {rel}",
                "the delay in assessing {poss} {rel} under the Chronically Sick and Disabled "
                "Persons Act 1970",
            ),
            facts=(
                "{Cs} {rel} has autism and a learning disability. The family asked for a child "
                "in need assessment in {m1} {y0} so they could get short breaks.",
                "The disabled children’s team did not complete the assessment until {m3} {y1}. "
                "In the meantime the family received no respite.",
            ),
            faults=(
                "The assessment took far longer than the 45 working days the statutory guidance "
                "allows. That was fault.",
            ),
            nofaults=(
                "The assessment was completed on time and the short breaks offered met the "
                "assessed needs.",
            ),
        ),
        Sub(
            "Friends and family carers",
            issues=(
                "the special guardianship allowance {B} paid to {C}",
                "the support plan attached to {poss} special guardianship order",
            ),
            facts=(
                "{C} became special guardian to a grandchild in {m1} {y0}. The special "
                "guardianship support plan promised an allowance, reviewed every year.",
                "{TB} reduced the allowance in {m2} {y1} after a means test, without notice or "
                "an explanation of the calculation.",
            ),
            faults=("{TB} reduced the allowance without notice or reasons. That was fault.",),
            nofaults=(
                "The means test followed the Special Guardianship Regulations 2005 and the "
                "calculation was explained.",
            ),
        ),
    ),
)

CORPORATE = Category(
    name="Other categories",
    rels=("neighbour", "partner"),
    areas=("complaint handling", "responding to correspondence", "keeping the electoral register"),
    reconsider=("request", "application"),
    law=(
        "Councils have discretion in how they organise their services, but should follow their "
        "own policies and the principles of good administration: getting it right, being "
        "customer focused, being open and accountable, and putting things right.",
        "The complaints procedure promises a full response that deals with each point "
        "raised, within published timescales.",
    ),
    closed_reasons=(
        "the Information Commissioner is better placed to consider a complaint about data "
        "protection",
        "we do not normally investigate complaint handling when we are not investigating the "
        "matter complained about",
    ),
    subs=(
        Sub(
            "Councillor conduct and standards",
            issues=(
                "the way {B} handled {poss} complaint about a councillor's conduct",
                "{Bs} delay in deciding {poss} complaint that a councillor broke the code of "
                "conduct",
            ),
            facts=(
                "{C} complained in {m1} {y0} that a councillor had broken the code of conduct. "
                "The procedure promises an initial assessment within 20 working days.",
                "The monitoring officer did not send the assessment until {m3} {y1} and it did "
                "not address several of the points {C} raised.",
            ),
            faults=("{TB} did not follow its own code of conduct procedure. That was fault.",),
            nofaults=("{TB} assessed the complaint within its published timescales.",),
        ),
        Sub(
            "Elections and electoral register",
            issues=(
                "the removal of {poss} name from the electoral register",
                "{Bs} handling of {poss} application to register to vote",
            ),
            facts=(
                "In {m1} {y0} {Cs} entry was removed from the electoral register after a canvass "
                "form was recorded as not returned.",
                "{C} had returned the form in {m2} {y0}. The entry was restored {n} months "
                "later, after the deadline to register for an election.",
            ),
            faults=("{TB} did not record the form {C} returned. That was fault.",),
            nofaults=("{TB} followed the canvass rules and wrote to {C} before the removal.",),
        ),
        Sub(
            "Commercial and contracts",
            issues=(
                "{Bs} management of land next to {poss} home",
                "{Bs} refusal to sell {C} a strip of council-owned land",
            ),
            facts=(
                "{TB} owns a grass verge and a row of trees next to {Cs} garden. Roots have lifted "
                "the boundary wall.",
                "{C} asked to buy the land in {m1} {y0}. The estates team did not respond for {n} "
                "months.",
            ),
            faults=("{TB} did not reply to {Cs} enquiry for months. That was fault.",),
            nofaults=("{TB} was entitled as landowner to decide not to sell the land.",),
        ),
        Sub(
            "Leisure and culture",
            issues=(
                "{Bs} decision to cancel {poss} allotment tenancy",
                "the booking system for a leisure centre run on {Bs} behalf",
            ),
            facts=(
                "The allotment tenancy agreement allows a tenancy to end where a plot is not "
                "cultivated. Notice was served in {m2} {y1} after an inspection.",
                "{C} paid {a1} for a block of swimming lessons which were cancelled at short "
                "notice.",
            ),
            faults=("{TB} did not give the warning its allotment rules require. That was fault.",),
            nofaults=("{TB} followed its allotment rules and gave proper notice.",),
        ),
    ),
)

EDUCATION = Category(
    name="Education",
    rels=("son", "daughter"),
    areas=("issuing EHC plans", "securing special educational provision", "arranging education"),
    reconsider=("transport application", "placement request"),
    reassessable=True,
    law=(
        "The Children and Families Act 2014 and the SEND Code of Practice set out how councils "
        "must assess children and young people with special educational needs (SEN) and issue "
        "education, health and care plans.",
        "Section 19 of the Education Act 1996 says councils must arrange suitable full-time "
        "education for children who, because of illness, exclusion or otherwise, would not "
        "receive it.",
    ),
    closed_reasons=(
        "{C} could have appealed to the SEND Tribunal, and it was reasonable to expect "
        "{obj} to do so",
        "the complaint is about the internal management of a school, which we cannot investigate",
    ),
    subs=(
        Sub(
            "Special educational needs",
            issues=(
                "{Bs} delay in issuing an education, health and care (EHC) plan for {poss} {rel}",
                "{Bs} failure to secure the special educational provision in {poss} {rel}’s "
                "EHC plan",
            ),
            facts=(
                "{C} asked for an EHC needs assessment in {m1} {y0}. Advice was sought from an "
                "educational psychologist and the speech and language therapy service.",
                "The final EHC plan was not issued until {m3} {y1}, {weeks} weeks after the "
                "request. The SEN team said it had a backlog and too few educational "
                "psychologists.",
                "Section F of the plan specified weekly speech and language therapy. The "
                "records show the therapy was not delivered for a full term.",
            ),
            faults=(
                "A final EHC plan should be issued within 20 weeks of the request for "
                "assessment. {TB} took much longer. That was fault.",
                "{TB} has a duty to secure the special educational provision in an EHC plan and "
                "did not do so. That was fault.",
            ),
            nofaults=(
                "The annual review was held on time and the amended plan was issued within the "
                "timescales in the SEND Code of Practice.",
            ),
        ),
        Sub(
            "School admissions",
            issues=(
                "the way an independent appeal panel considered {poss} school admission appeal",
                "{Bs} handling of {poss} in-year school admission application",
            ),
            facts=(
                "{C} applied for a place for {poss} {rel} at the local secondary school in {m1} "
                "{y0}. The application was refused because the year group was full.",
                "The appeal hearing took place in {m2} {y0}. The clerk’s notes do not record how "
                "the panel weighed the family’s reasons against the school’s case.",
            ),
            faults=(
                "The panel’s decision letter did not give adequate reasons, as the School "
                "Admission Appeals Code requires. That was fault.",
            ),
            nofaults=(
                "The panel heard both sides, followed the School Admission Appeals Code and gave "
                "reasons.",
            ),
        ),
        Sub(
            "School transport",
            issues=(
                "{Bs} decision that {poss} {rel} is not eligible for free home to school transport",
                "the delay in arranging school transport for {poss} {rel}",
            ),
            facts=(
                "{C} applied for free school transport in {m1} {y0}, saying the walking route "
                "was unsafe. An officer measured the route at just under three miles.",
                "The appeal was not heard for {n} months, during which {C} paid {a1} for taxis.",
            ),
            faults=(
                "{TB} did not follow the statutory guidance on home to school travel when it "
                "considered the appeal. That was fault.",
            ),
            nofaults=("{TB} measured the route correctly and applied its travel policy.",),
        ),
        Sub(
            "Alternative provision",
            issues=(
                "{Bs} failure to arrange suitable education when {poss} {rel} was out of school",
                "the alternative provision offered to {poss} {rel} after an exclusion",
            ),
            facts=(
                "{Cs} {rel} stopped attending school in {m1} {y0} because of anxiety. The school "
                "sent work packs but provided no teaching.",
                "The medical needs service offered five hours of online tuition a week from {m3} "
                "{y1}.",
            ),
            faults=("{TB} did not consider its section 19 duty for a whole term. That was fault.",),
            nofaults=("The tuition offered was suitable given the medical advice.",),
        ),
    ),
)

ENVIRONMENT = Category(
    name="Environment and regulation",
    rels=("neighbour", "partner"),
    areas=("assisted waste collections", "noise investigations", "licensing consultations"),
    reconsider=("licence application", "request"),
    law=(
        "Councils must take reasonably practicable steps to investigate complaints of a "
        "statutory nuisance under the Environmental Protection Act 1990. Whether something "
        "amounts to a nuisance is a matter of professional judgement for officers.",
        "Councils must arrange the collection of household waste. We would not normally find "
        "fault for an occasional missed collection, but repeated failures may be fault.",
    ),
    closed_reasons=(
        "{C} could take private action in the magistrates’ court under section 82 of the "
        "Environmental Protection Act 1990",
        "there is not enough evidence of significant injustice to {obj}",
    ),
    subs=(
        Sub(
            "Refuse and recycling",
            issues=(
                "repeated missed bin collections at {poss} home",
                "{Bs} handling of {poss} request for an assisted bin collection",
            ),
            facts=(
                "{C} {has} mobility problems and was approved for an assisted collection in {m1} "
                "{y0}. The crews missed the collection {n} times over the following months.",
                "{C} reported each missed collection online. The contractor’s logs marked the "
                "property as ‘bin not presented’ although the recycling was left out.",
            ),
            faults=("The repeated missed assisted collections were fault.",),
            nofaults=("The logs show the crews collected the bins on the scheduled days.",),
        ),
        Sub(
            "Noise",
            issues=(
                "{Bs} investigation of {poss} complaint about noise from a neighbouring property",
                "noise from a nearby commercial kitchen extractor fan",
            ),
            facts=(
                "{C} reported loud music late at night from a neighbouring flat in {m1} {y0}. "
                "The environmental health team sent diary sheets and installed noise monitoring "
                "equipment.",
                "Officers decided the noise did not amount to a statutory nuisance.",
            ),
            faults=(
                "{TB} closed the case without considering the recordings {C} sent. That was fault.",
            ),
            nofaults=(
                "Officers used their professional judgement after monitoring and gave reasons.",
            ),
        ),
        Sub(
            "Antisocial behaviour",
            issues=(
                "{Bs} response to reports of antisocial behaviour near {poss} home",
                "{Bs} refusal to carry out an antisocial behaviour case review",
            ),
            facts=(
                "{C} reported groups gathering, graffiti and vandalism near {poss} home from "
                "{m1} {y0}. The community safety team logged {n} reports.",
                "{C} asked for an antisocial behaviour case review, sometimes called a community "
                "trigger. The request was refused as not meeting the threshold.",
            ),
            faults=(
                "{TB} applied the wrong threshold when it refused the case review. That was fault.",
            ),
            nofaults=("{TB} applied the published threshold and explained why it was not met.",),
        ),
        Sub(
            "Licensing",
            issues=(
                "{Bs} decision to grant a premises licence near {poss} home",
                "{Bs} handling of {poss} application for a hackney carriage driver’s licence",
            ),
            facts=(
                "A licensing sub-committee met in {m1} {y0} to consider an application for late "
                "night alcohol sales. {C} submitted a representation about noise and litter.",
                "The licence was granted with conditions on opening hours and door staff.",
            ),
            faults=("{Bs} notice of the hearing went to the wrong address. That was fault.",),
            nofaults=(
                "The sub-committee considered the representations and the licensing objectives.",
            ),
        ),
        Sub(
            "Drainage",
            issues=(
                "flooding at {poss} property and the maintenance of a culvert",
                "{Bs} response to sewage and surface water flooding in {poss} road",
            ),
            facts=(
                "{Cs} garden flooded in {m1} {y0} after heavy rain. {C} said a culvert under the "
                "road was blocked with debris.",
                "An officer inspected in {m2} {y0} and arranged for the culvert to be jetted, but "
                "the work was not done until {m3} {y1}.",
            ),
            faults=("{TB} delayed clearing a blockage it had identified. That was fault.",),
            nofaults=("The culvert was cleared promptly once the blockage was reported.",),
        ),
        Sub(
            "Pollution",
            issues=(
                "smoke and odour from a business near {poss} home",
                "{Bs} handling of reports of bonfire smoke",
            ),
            facts=(
                "{C} first reported smoke and odour from a nearby workshop in {m1} {y0}. Officers "
                "visited {n} times.",
                "{TB} served an abatement notice in {m3} {y1}.",
            ),
            faults=(
                "{TB} did not visit for several months after the first report. That was fault.",
            ),
            nofaults=("Officers investigated properly and used their judgement.",),
        ),
        Sub(
            "Trees",
            issues=(
                "{Bs} decision to make a tree preservation order on a tree in {poss} garden",
                "{Bs} refusal of consent for works to a protected tree",
            ),
            facts=(
                "{TB} made a tree preservation order in {m1} {y0} after a neighbour’s request.",
                "{Cs} application for works was refused in {m2} {y1}.",
            ),
            faults=("{TB} did not consider the arboricultural report. That was fault.",),
            nofaults=("The tree officer considered the arboricultural report.",),
        ),
    ),
)

HIGHWAYS = Category(
    name="Transport and highways",
    rels=("partner", "son", "daughter"),
    areas=("highway inspections", "handling penalty charge challenges", "footpath complaints"),
    reconsider=("penalty charge challenge", "bus pass application"),
    law=(
        "The council is the highway authority and has a duty under section 41 of the Highways "
        "Act 1980 to maintain highways maintainable at public expense.",
        "The Traffic Management Act 2004 and its regulations set out how councils must deal "
        "with challenges and representations against penalty charge notices.",
    ),
    closed_reasons=(
        "{C} could appeal to the Traffic Penalty Tribunal, and it was reasonable to expect "
        "{obj} to do so",
        "a claim for damage to a vehicle is best decided by the courts or the insurers",
    ),
    subs=(
        Sub(
            "Parking and other penalties",
            issues=(
                "a penalty charge notice {B} issued to {C} for parking in a bus lane",
                "{Bs} refusal to cancel a penalty charge notice",
            ),
            facts=(
                "A civil enforcement officer issued a penalty charge notice in {m1} {y0}. {C} "
                "made an informal challenge, saying the signs were hidden by a hedge.",
                "The challenge was rejected and a charge certificate raised the penalty to {a1}.",
            ),
            faults=(
                "{TB} did not consider the photographs of the signs {C} sent. That was fault.",
            ),
            nofaults=("{TB} considered the challenge and explained the right of appeal.",),
        ),
        Sub(
            "Highway repair and maintenance",
            issues=(
                "potholes and a broken kerb on the road outside {poss} home",
                "the resurfacing of {poss} street",
            ),
            facts=(
                "{C} reported a deep pothole outside {poss} home in {m1} {y0}. The highway "
                "inspector classified it as a category two defect.",
                "The repair was not completed until {m3} {y1}.",
            ),
            faults=("{TB} did not repair the defect within its own target time. That was fault.",),
            nofaults=("{TB} inspected and repaired the road in line with its policy.",),
        ),
        Sub(
            "Rights of way",
            issues=(
                "{Bs} failure to deal with an obstruction on a public footpath",
                "{Bs} handling of an application for a definitive map modification order",
            ),
            facts=(
                "{C} reported a locked gate across a public footpath in {m1} {y0}.",
                "The rights of way team said it had a backlog of {n} hundred reports.",
            ),
            faults=("{TB} did not act on the obstruction for months. That was fault.",),
            nofaults=("{TB} prioritised the report in line with its rights of way policy.",),
        ),
        Sub(
            "Traffic management",
            issues=(
                "{Bs} decision to introduce a low traffic neighbourhood",
                "a traffic regulation order restricting parking in {poss} road",
            ),
            facts=(
                "{TB} consulted on an experimental traffic regulation order in {m1} {y0}.",
                "{C} objected, saying the scheme diverted traffic past {poss} home.",
            ),
            faults=("{TB} did not report the objections to the decision maker. That was fault.",),
            nofaults=("{TB} consulted properly and considered the objections.",),
        ),
        Sub(
            "Public transport",
            issues=(
                "the refusal of a disabled person’s bus pass for {C}",
                "the withdrawal of a subsidised bus service",
            ),
            facts=(
                "{C} applied for a concessionary bus pass in {m1} {y0} on grounds of disability.",
                "The application was refused without an independent assessment.",
            ),
            faults=("The refusal did not follow the statutory guidance. That was fault.",),
            nofaults=("The assessment followed the statutory guidance.",),
        ),
    ),
)

HOUSING = Category(
    name="Housing",
    rels=("son", "daughter", "children", "partner"),
    areas=("temporary accommodation", "housing register applications", "grant approvals"),
    reconsider=("housing application", "banding"),
    reassessable=True,
    law=(
        "Part 7 of the Housing Act 1996 sets out the duties councils owe to people who are "
        "homeless or threatened with homelessness.",
        "Every council must have an allocations scheme setting out how it prioritises "
        "applicants for social housing, and it must follow it.",
    ),
    closed_reasons=(
        "{C} could have asked for a statutory review and then appealed to the county court",
        "the complaint is about {Bs} actions as a social landlord, which is for the Housing "
        "Ombudsman",
    ),
    subs=(
        Sub(
            "Homelessness",
            issues=(
                "how {B} dealt with {poss} homelessness application",
                "the suitability of the temporary accommodation {B} provided",
            ),
            facts=(
                "{C} approached {B} for help in {m1} {y0} after a section 21 notice from a "
                "private landlord. A personalised housing plan was drawn up under the prevention "
                "duty.",
                "When the prevention duty ended, the family were placed in bed and breakfast "
                "accommodation for {weeks} weeks, sharing a bathroom and kitchen with other "
                "households.",
            ),
            faults=(
                "Bed and breakfast accommodation is not suitable for families with children "
                "except in an emergency, and then for no more than six weeks. {TB} went beyond "
                "that limit. That was fault.",
            ),
            nofaults=(
                "{TB} accepted the relief duty promptly and the accommodation offered was "
                "suitable.",
            ),
        ),
        Sub(
            "Allocations",
            issues=(
                "the banding {B} gave {poss} housing register application",
                "{Bs} decision to refuse {poss} request for medical priority",
            ),
            facts=(
                "{C} joined the housing register in {m1} {y0} and was placed in band C.",
                "{C} asked for medical priority, sending a letter from a consultant. The medical "
                "adviser did not see the letter.",
            ),
            faults=("{TB} did not consider all the medical evidence. That was fault.",),
            nofaults=("{TB} applied its allocations scheme and considered the evidence.",),
        ),
        Sub(
            "Private housing",
            issues=(
                "{Bs} response to reports of damp and mould in {poss} privately rented home",
                "{Bs} enforcement against a landlord who did not repair {poss} boiler",
            ),
            facts=(
                "{C} reported damp, mould and a broken boiler to the private sector housing team "
                "in {m1} {y0}. An officer found category 1 hazards under the Housing Health and "
                "Safety Rating System.",
                "No improvement notice was served on the landlord for {n} months.",
            ),
            faults=("{TB} did not act on the category 1 hazards as it should. That was fault.",),
            nofaults=("{TB} took proportionate enforcement action against the landlord.",),
        ),
        Sub(
            "Council house sales and leaseholders",
            issues=(
                "the service charges {B} billed to {C} as a leaseholder",
                "{Bs} handling of {poss} right to buy application",
            ),
            facts=(
                "{C} applied to buy {poss} council flat under the right to buy in {m1} {y0}.",
                "The valuation was not sent for {n} months, and the service charge estimate "
                "was {a1} a year.",
            ),
            faults=("{TB} missed the statutory timescales. That was fault.",),
            nofaults=("{TB} met the statutory timescales.",),
        ),
    ),
)

PLANNING = Category(
    name="Planning",
    rels=("neighbour", "partner"),
    areas=("officer reports on householder applications", "enforcement investigations"),
    reconsider=("enforcement request", "tree works application"),
    law=(
        "Planning authorities should approve applications that accord with the development "
        "plan unless material considerations indicate otherwise. Material considerations "
        "include overlooking, loss of light and the effect on the character of the area.",
        "Planning enforcement is discretionary. Councils should investigate breaches of "
        "planning control and decide whether it is expedient to take action.",
    ),
    closed_reasons=(
        "{C} could have appealed to the Planning Inspectorate",
        "it is unlikely we would find fault in how the planning decision was made",
    ),
    subs=(
        Sub(
            "Planning applications",
            issues=(
                "{Bs} decision to grant planning permission for an extension next to {poss} home",
                "how {B} considered the impact of a new housing development on {poss} home",
            ),
            facts=(
                "{Cs} neighbour applied for a two-storey rear extension in {m1} {y0}. {C} "
                "objected, saying it would overshadow {poss} kitchen and garden.",
                "The planning officer’s report concluded the proposal was acceptable and it was "
                "approved under delegated powers in {m2} {y0}.",
            ),
            faults=(
                "The officer’s report did not address the loss of light to {Cs} kitchen window, "
                "a material consideration raised in the objection. That was fault.",
            ),
            nofaults=(
                "The officer’s report considered loss of light and privacy, and {B} was entitled "
                "to reach the view it did.",
            ),
        ),
        Sub(
            "Enforcement",
            issues=(
                "{Bs} failure to take enforcement action against unauthorised development near "
                "{poss} home",
                "{Bs} handling of {poss} report of a breach of planning conditions",
            ),
            facts=(
                "{C} reported a breach of planning control in {m1} {y0}. An enforcement officer "
                "visited in {m3} {y0}.",
                "{TB} decided it was not expedient to take enforcement action.",
            ),
            faults=("{TB} did not record reasons for its expediency decision. That was fault.",),
            nofaults=("{TB} investigated and properly decided enforcement was not expedient.",),
        ),
        Sub(
            "Building control",
            issues=(
                "{Bs} inspection of building works at {poss} property",
                "a completion certificate {B} issued for works next door",
            ),
            facts=(
                "Building control inspected the foundations and drainage in {m1} {y0}.",
                "A completion certificate was issued in {m3} {y1}.",
            ),
            faults=("{TB} issued a certificate without a final inspection. That was fault.",),
            nofaults=("Inspections were carried out at the key stages.",),
        ),
    ),
)

CATEGORIES: tuple[Category, ...] = (
    ADULT,
    BENEFITS,
    CHILDREN,
    CORPORATE,
    EDUCATION,
    ENVIRONMENT,
    HIGHWAYS,
    HOUSING,
    PLANNING,
)
CATEGORY_BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}

# Paragraphs that fit any complaint: complaint handling, communication, the impact.
GENERIC_FACTS: tuple[str, ...] = (
    "{C} complained in {m2} {y1}. The stage one reply accepted some delay but said the "
    "overall decision was correct. {C} remained unhappy and asked for the complaint to be "
    "escalated.",
    "At stage two {B} acknowledged the delay in responding and said it would remind staff "
    "of the importance of keeping residents informed.",
    "The records show {C} telephoned and emailed on several occasions to ask for an update. "
    "Some emails were not answered.",
    "{TB} says its service was under pressure during this period because of staff vacancies "
    "and a rise in demand.",
    "{C} say{s} the matter caused considerable stress and that {pron} spent a great deal of "
    "time and trouble pursuing it.",
    "The case notes for this period are brief and in places undated, which makes it "
    "difficult to establish the sequence of events.",
    "In its response to my enquiries {B} provided a chronology, copies of its correspondence "
    "and the relevant case records. It accepted that some letters had not been sent.",
    "{C} contacted a local councillor in {m3} {y1}, who raised the matter with a senior "
    "manager. A meeting was arranged but later cancelled by {B}.",
    "An internal email from {m2} {y1} shows managers were aware of the problem but decided to "
    "wait for the outcome of a wider service review before acting.",
    "{C} explained the impact on the household, including disturbed sleep, missed work and "
    "the cost of telephone calls and travel to appointments.",
    "The officer dealing with the case left {Bs} employment in {m1} {y1}, and the case was "
    "not reallocated for several weeks.",
)

# How an investigator weighs the evidence; fits any investigated complaint.
EVALUATION: tuple[str, ...] = (
    "We are not an appeal body. Our role is to consider whether there was fault in the way a "
    "decision was made, not to substitute our view for that of the organisation.",
    "Where the evidence is finely balanced I have reached my view on the balance of "
    "probabilities, giving weight to records made at the time over later recollections.",
    "I have considered the relevant legislation and guidance, {Bs} own policies and the "
    "records of what happened.",
    "Good administration requires an organisation to keep proper records, to communicate "
    "clearly and to do what it says it will do within a reasonable time.",
)

INJUSTICE: tuple[str, ...] = (
    "The fault caused {C} avoidable distress and uncertainty.",
    "{C} also went to unnecessary time and trouble pursuing the complaint.",
    "On balance, without the fault the support would have been in place sooner, and {C} "
    "lost that benefit.",
    "I cannot say what would have happened without the fault, but the uncertainty about "
    "what might have been is itself an injustice.",
)

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NUMBER_WORDS: tuple[str, ...] = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)

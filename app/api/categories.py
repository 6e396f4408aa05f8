"""/v1/categories: LGSCO's category tree with the number of decisions in each branch.

One grouped query over (category_slug, subcategory_slug) gives every count; the tree is built
from those few hundred groups, never from decision rows. Slugs identify a branch; the names
shown are the ones the decisions carry (the same slug is always written the same way by LGSCO,
and `min()` makes the choice deterministic if it ever is not).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlmodel import col

from app.db import SessionDep
from app.models import Decision
from app.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["categories"])


class SubcategoryNode(BaseModel):
    name: str = Field(description="LGSCO sub-category", examples=["Homelessness"])
    slug: str = Field(
        description="Sub-category slug; the `subcategory` filter of /v1/decisions takes it",
        examples=["homelessness"],
    )
    count: int = Field(description="Decisions in this sub-category", examples=[310])


class CategoryNode(BaseModel):
    name: str = Field(description="LGSCO category", examples=["Housing"])
    slug: str = Field(
        description="Category slug; the `category` filter of /v1/decisions takes it",
        examples=["housing"],
    )
    count: int = Field(
        description="Decisions in this category, with or without a sub-category", examples=[842]
    )
    subcategories: list[SubcategoryNode] = Field(
        description="Its sub-categories, most decisions first (ties by name)"
    )


class CategoryMeta(BaseModel):
    total: int = Field(description="Number of categories", examples=[14])
    decisions: int = Field(description="All decisions, categorised or not", examples=[12000])
    uncategorised: int = Field(description="Decisions without a category", examples=[25])


class CategoryTree(BaseModel):
    data: list[CategoryNode] = Field(description="Categories, most decisions first (ties by name)")
    meta: CategoryMeta = Field(description="Counts")


def _ranked(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: (-item["count"], item["name"], item["slug"]))


@router.get(
    "/categories",
    operation_id="list_categories",
    summary="The category tree with decision counts",
    response_model=CategoryTree,
    responses=problem_responses(s400="Unknown query parameter"),
)
def list_categories(session: SessionDep) -> dict[str, Any]:
    groups = session.execute(
        select(
            col(Decision.category_slug),
            col(Decision.subcategory_slug),
            func.min(col(Decision.category)),
            func.min(col(Decision.subcategory)),
            func.count(),
        ).group_by(col(Decision.category_slug), col(Decision.subcategory_slug))
    ).all()
    tree: dict[str, dict[str, Any]] = {}
    uncategorised = decisions = 0
    for slug, sub_slug, name, sub_name, count in groups:
        decisions += count
        if slug is None:
            uncategorised += count
            continue
        branch = tree.setdefault(slug, {"name": name or slug, "slug": slug, "count": 0, "subs": []})
        branch["count"] += count
        branch["name"] = min(branch["name"], name or slug)
        if sub_slug is not None:
            branch["subs"].append({"name": sub_name or sub_slug, "slug": sub_slug, "count": count})
    data = _ranked(list(tree.values()))
    for branch in data:
        branch["subcategories"] = _ranked(branch.pop("subs"))
    return {
        "data": data,
        "meta": {"total": len(data), "decisions": decisions, "uncategorised": uncategorised},
    }

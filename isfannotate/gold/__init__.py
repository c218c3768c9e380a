"""The gold JSONL (schema ``isfannotate.gold/1``, docs/gold-jsonl.md): the record model, building records
from a layer, and importing them back into a layer."""
from .build import export_project, gold_records, unanimous_records
from .load import GoldPlan, plan_gold_import
from .record import UNANIMOUS, GoldRecord

__all__ = ["UNANIMOUS", "GoldRecord", "GoldPlan", "export_project", "gold_records", "plan_gold_import",
           "unanimous_records"]

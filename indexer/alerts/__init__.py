"""Alert rules (YAML), their evaluation in Python, and the engine that emails matches."""

from indexer.alerts.engine import AlertEngine, AlertRecord
from indexer.alerts.errors import AlertError, DeliveryError, RuleError, RuleNotEvaluable
from indexer.alerts.loader import RuleSet, load_rule_file, load_rules
from indexer.alerts.mailer import Mailer, OutboxMailer, SmtpMailer, mailer_from_settings
from indexer.alerts.render import render_alert
from indexer.alerts.rules import Condition, Match, MatchContext, PlaceCondition, Rule

__all__ = [
    "AlertEngine",
    "AlertError",
    "AlertRecord",
    "Condition",
    "DeliveryError",
    "Mailer",
    "Match",
    "MatchContext",
    "OutboxMailer",
    "PlaceCondition",
    "Rule",
    "RuleError",
    "RuleNotEvaluable",
    "RuleSet",
    "SmtpMailer",
    "load_rule_file",
    "load_rules",
    "mailer_from_settings",
    "render_alert",
]

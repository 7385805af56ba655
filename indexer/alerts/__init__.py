"""Alert rules (YAML), their evaluation in Python or by the percolator, and the engine.

Streaming mode (Elasticsearch) lives in ``percolate`` (rule → query), ``rules_index``
(``sync_rules``, ``percolate``) and ``streaming`` (``open_streaming_engine``, ``AlertSink``);
import them from there: they are kept out of this package's import for embedded mode.
"""

from indexer.alerts.engine import AlertEngine, AlertRecord
from indexer.alerts.errors import AlertError, DeliveryError, RuleError, RuleNotEvaluable
from indexer.alerts.loader import RuleSet, load_rule_file, load_rules
from indexer.alerts.mailer import Mailer, OutboxMailer, SmtpMailer, mailer_from_settings
from indexer.alerts.matchers import Matcher, PercolatorMatcher, PythonMatcher
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
    "Matcher",
    "OutboxMailer",
    "PercolatorMatcher",
    "PlaceCondition",
    "PythonMatcher",
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

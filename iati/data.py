"""One IATI activity as plain data: what iati.reader takes out of the XML and iati.imports writes.

No XML and no models here, so the import service and its tests read as data. `line` is
where the element stood in the file, for the report.
"""
import dataclasses
import datetime
from decimal import Decimal

from results.imports import ResultData


@dataclasses.dataclass
class OrganisationData:
    """A participating-org, provider-org or receiver-org."""

    name: str
    ref: str = ""
    role: int | None = None  # OrganisationRole for a participating-org
    type: str = ""  # IATI OrganisationType
    line: int | None = None


@dataclasses.dataclass
class MoneyData:
    """A budget, planned disbursement or transaction: what the three share."""

    kind: str  # "budget", "planned" or "transaction"
    value: Decimal
    currency: str
    value_date: datetime.date
    type: int  # BudgetType, or TransactionType for a transaction
    status: int = 1  # BudgetStatus (budgets only)
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    date: datetime.date | None = None  # transactions
    description: str = ""
    provider: OrganisationData | None = None
    receiver: OrganisationData | None = None
    line: int | None = None


@dataclasses.dataclass
class SectorData:
    vocabulary: str
    code: str
    percentage: Decimal | None = None
    line: int | None = None


@dataclasses.dataclass
class PolicyMarkerData:
    vocabulary: str
    code: str
    significance: str = ""
    line: int | None = None


@dataclasses.dataclass
class DocumentData:
    url: str
    title: str
    category: str = ""
    language: str = ""
    date: datetime.date | None = None
    line: int | None = None


@dataclasses.dataclass
class ActivityData:
    identifier: str
    line: int | None
    digest: str
    default_lang: str = "en"
    last_updated: datetime.datetime | None = None
    hierarchy: int | None = None
    reporting_org: str = ""
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    descriptions: dict[str, str] = dataclasses.field(default_factory=dict)
    status: int | None = None
    dates: dict[int, datetime.date] = dataclasses.field(default_factory=dict)  # ActivityDateType → date
    scope: str = ""  # ActivityScope code
    organisations: list[OrganisationData] = dataclasses.field(default_factory=list)
    countries: list[tuple[str, Decimal | None]] = dataclasses.field(default_factory=list)
    regions: list[tuple[str, str, Decimal | None]] = dataclasses.field(default_factory=list)  # code, vocabulary, %
    sectors: list[SectorData] = dataclasses.field(default_factory=list)
    policy_markers: list[PolicyMarkerData] = dataclasses.field(default_factory=list)
    tags: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # vocabulary, code, text
    money: list[MoneyData] = dataclasses.field(default_factory=list)
    documents: list[DocumentData] = dataclasses.field(default_factory=list)
    related: list[tuple[str, int]] = dataclasses.field(default_factory=list)  # identifier, RelatedActivityType
    results: list[ResultData] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    def text(self, texts: dict[str, str]) -> str:
        """The text in the activity's own language, else English, else the first given."""
        return texts.get(self.default_lang) or texts.get("en") or next(iter(texts.values()), "")

    @property
    def title(self) -> str:
        return self.text(self.titles)

    @property
    def description(self) -> str:
        return self.text(self.descriptions)

"""CRM exports: accounts, contacts and opportunities from Salesforce, HubSpot, Zoho or any table.

Columns are mapped to relmap fields by header aliases (case, spaces and punctuation
ignored, so ``Account Name``, ``AccountName`` and ``account_name`` are one alias); a
user ``mapping`` ``{"Column": "field"}`` overrides them. A file whose required field
cannot be mapped is rejected with a sentence naming the field and ``--map`` as the fix.

>>> norm_header("Company Domain Name")
'companydomainname'
>>> parse_amount("€ 1.234,50", decimal_comma=True), parse_amount("$12,000"), parse_amount("475,00")
(1234.5, 12000.0, 475.0)
>>> normalise_status("Customer - Channel"), normalise_status("salesqualifiedlead"), normalise_status("Former Customer")
('customer', 'prospect', 'churned')
>>> normalise_role("Economic Decision Maker"), normalise_role("Business User")
('economic_buyer', 'user')
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pandas as pd

from relmap import config, identity
from relmap.ingest.months import named_date
from relmap.ingest.sniff import Table, decode, read_records, unwrap_quoted_rows
from relmap.model import PARSED_COLUMNS, MappingNeeded, ParsedFile, Problem, RejectedFile

CRM_KINDS = ("crm_accounts", "crm_contacts", "crm_opportunities")

#: Header aliases per kind and field, most specific first (already ``norm_header``-ed).
ALIASES: dict[str, dict[str, list[str]]] = {
    "crm_accounts": {
        "external_id": ["id", "accountid", "recordid", "companyid", "externalid", "zohoaccountid", "hubspotcompanyid",
                        "organizationid", "apolloaccountid", "itemid"],
        "name": ["accountname", "companyname", "name", "account", "company", "organization", "organisation",
                 "organizationname", "customer", "customername", "displayname", "leadname", "nomducompte",
                 "nombredelacuenta", "firmenname", "unternehmensname", "nomdelentreprise", "nombredelaempresa",
                 "bedrijfsnaam", "accountnaam", "nomedaconta", "firma", "unternehmen", "societe", "entreprise",
                 "empresa", "bedrijf", "companynameforemails"],
        "domain": ["companydomainname", "website", "domain", "domains", "companydomain", "websiteurl", "web", "url",
                   "emaildomain", "companywebsite", "siteweb", "sitioweb", "webseite"],
        "status": ["type", "accounttype", "status", "accountstatus", "customerstatus", "lifecyclestage",
                   "relationship", "companytype", "relationshiptype", "statuslabel", "contacttype", "typ",
                   "accounttyp", "lebenszyklusphase", "typedecompte", "tipodecuenta", "accountstage"],
        "owner": ["accountowner", "companyowner", "owner", "ownername", "ownerid", "accountmanager", "ownedby",
                  "organizationowner", "assignedto", "salesrep", "salesperson", "salesowner", "owners", "assignedusername", "assigneduser", "recordowner", "accountinhaber",
                  "proprietaireducompte", "propietariodelacuenta", "accounteigenaar", "unternehmensinhaber", "besitzer",
                  "proprietaire", "proprietario", "propietario"],
        "arr": ["arr", "annualrecurringrevenue", "contractvalue", "acv", "annualcontractvalue"],
        "renewal_date": ["renewaldate", "nextrenewaldate", "contractenddate", "contractrenewaldate", "renewal"],
        "last_activity": ["lastactivity", "lastactivitydate", "lastactivitytime", "lastcontacted",
                          "lastengagementdate", "lastinteraction", "dateoflastactivity", "lastcontactedtime", "derniereactivite", "letzteaktivitat", "ultimaactividad"],
    },
    "crm_contacts": {
        "external_id": ["id", "contactid", "recordid", "externalid", "personid", "apollocontactid", "itemid"],
        "first_name": ["firstname", "first", "givenname", "prenom", "vorname", "nombre", "voornaam", "nome"],
        "last_name": ["lastname", "last", "surname", "familyname", "nom", "nachname", "apellido", "apellidos",
                      "achternaam", "sobrenome"],
        "full_name": ["fullname", "contactname", "name", "contact", "personname"],
        "email": ["email", "emailaddress", "workemail", "businessemail", "email1", "primaryemail", "emailwork",
                  "primaryemailaddress", "emailaddresses", "emails", "email1value", "email2value",
                  "emailadresse", "adresseemail", "correoelectronico", "courriel", "emailadres"],
        "title": ["title", "jobtitle", "position", "titel", "poste", "cargo", "functie", "fonction",
                  "berufsbezeichnung", "jobtitel", "positiontitel", "organizationtitle", "organization1title",
                  "intituleduposte"],
        "account_name": ["accountname", "associatedcompany", "companyname", "company", "account", "organization",
                         "organisation", "organizationname", "parentcustomer", "leadname", "associatedcompanyname",
                         "nomducompte", "nombredelacuenta", "firmenname", "unternehmensname", "firma", "unternehmen",
                         "societe", "entreprise", "empresa", "bedrijf", "bedrijfsnaam", "companyaccount",
                         "companynameforemails", "accounts", "organizations", "companies", "primarycompany",
                         "primaryassociatedcompany", "organization1name", "organizacao", "organizacion"],
        "account_external_id": ["accountid", "associatedcompanyid", "associatedcompanyids", "companyid",
                                "hubspotcompanyid", "parentcustomerid", "primaryassociatedcompanyid",
                                "accountnameid", "apolloaccountid"],
        "role": ["contactrole", "role", "buyingrole", "opportunityrole", "persona"],
        "owner": ["contactowner", "owner", "ownername", "ownerid", "leadowner", "ownedby", "personowner",
                  "assignedto", "salesrep", "salesperson", "salesowner", "owners", "assignedusername", "assigneduser", "recordowner", "kontaktinhaber", "proprietaireducontact",
                  "propietariodelcontacto", "contacteigenaar", "besitzer", "proprietaire", "proprietario",
                  "propietario"],
        "last_activity": ["lastactivity", "lastactivitydate", "lastactivitytime", "lastcontacted",
                          "lastengagementdate", "lastinteraction", "dateoflastactivity", "lastcontactedtime", "derniereactivite", "letzteaktivitat", "ultimaactividad"],
    },
    "crm_opportunities": {
        "external_id": ["id", "opportunityid", "recordid", "dealid", "itemid"],
        "name": ["opportunityname", "dealname", "name", "opportunity", "deal", "title", "topic", "titel", "titre", "titulo",
                 "nomdelopportunite",
                 "nombredelaoportunidad", "opportunitynaam", "nomedaoportunidade"],
        "account_name": ["accountname", "associatedcompany", "companyname", "company", "account", "organization",
                         "organisation", "potentialcustomer", "customer", "leadname", "associatedcompanyname",
                         "nomducompte", "nombredelacuenta", "accountnaam", "nomedaconta", "firma", "unternehmen",
                         "companyaccount", "accounts", "organizations", "companies", "primarycompany",
                         "primaryassociatedcompany", "organizacao", "organizacion"],
        "account_external_id": ["accountid", "associatedcompanyid", "associatedcompanyids", "companyid",
                                "primaryassociatedcompanyid", "accountnameid"],
        "stage": ["stage", "stagename", "dealstage", "opportunitystage", "salesstage", "pipelinephase", "statuslabel",
                  "phase", "etape", "etapa", "fase", "verkaufsphase"],
        "status": ["status", "dealstatus", "opportunitystatus", "statustype", "statut", "estado"],
        "amount": ["amount", "dealamount", "opportunityamount", "amountconverted", "value", "dealvalue", "arr",
                   "annualrecurringrevenue", "estrevenue", "estimatedrevenue", "actualrevenue", "betrag", "montant",
                   "importe", "bedrag", "valor", "wert", "valeur"],
        "close_date": ["closedate", "expectedclosedate", "closingdate", "close", "estclosedate", "estimatedclosedate",
                       "actualclosedate", "datewon", "wontime", "schlusstermin", "abschlussdatum", "datedecloture",
                       "datedefermeture", "fechadecierre", "sluitingsdatum", "datadefechamento",
                       "erwartetesabschlussdatum", "dealabgeschlossenam", "datumdesgewonnenendeals",
                       "datedeclotureprevue", "datadefechamentoesperada", "fechadecierreesperada",
                       "fechaprevistadecierre"],
        "is_closed": ["isclosed", "closed"],
        "is_won": ["iswon", "won"],
        "contact_roles": ["contactroles", "contacts", "associatedcontacts", "associatedcontact", "primarycontact",
                          "contact", "contactrole", "contactperson", "contactname", "kontaktperson",
                          "personneacontacter", "pessoadecontato", "personadecontacto"],
        "owner": ["opportunityowner", "dealowner", "owner", "ownername", "ownerid", "ownedby", "username",
                  "assignedto", "salesrep", "salesperson", "salesowner", "owners", "assignedusername", "assigneduser", "recordowner", "opportunityinhaber", "proprietairedelopportunite",
                  "propietariodelaoportunidad", "opportunityeigenaar", "besitzer", "proprietaire", "proprietario",
                  "propietario"],
    },
}

# Header words of reports exported in French, German, Spanish, Dutch, Portuguese or Italian: their
# numeric dates are day first (02/12/2024 is 2 December) unless a value proves otherwise.
_LOCALISED_HEADERS = {
    "prenom", "vorname", "nombre", "nachname", "apellido", "apellidos", "voornaam", "achternaam", "sobrenome", "titel",
    "poste", "nomducompte", "nombredelacuenta", "firmenname", "unternehmensname", "nomdelentreprise",
    "nombredelaempresa", "bedrijfsnaam", "accountnaam", "nomedaconta", "accountinhaber", "proprietaireducompte",
    "propietariodelacuenta", "accounteigenaar", "typedecompte", "tipodecuenta", "siteweb", "sitioweb", "webseite",
    "emailadresse", "adresseemail", "correoelectronico", "courriel", "kontaktinhaber", "proprietaireducontact",
    "propietariodelcontacto", "nomdelopportunite", "nombredelaoportunidad", "opportunitynaam", "nomedaoportunidade",
    "phase", "etape", "etapa", "fase", "betrag", "montant", "importe", "bedrag", "schlusstermin", "abschlussdatum",
    "datedecloture", "datedefermeture", "fechadecierre", "sluitingsdatum", "datadefechamento", "opportunityinhaber",
    "proprietairedelopportunite", "propietariodelaoportunidad", "derniereactivite", "letzteaktivitat",
    "ultimaactividad", "wert", "besitzer", "kontaktperson", "erwartetesabschlussdatum", "dealabgeschlossenam",
    "titre", "valeur", "statut", "proprietaire", "datedeclotureprevue", "personneacontacter", "intituleduposte",
    "titulo", "proprietario", "datadefechamentoesperada", "pessoadecontato", "organizacao", "propietario",
    "personadecontacto", "organizacion",
}

#: Fields a file of each kind cannot do without (any one of each inner tuple).
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "crm_accounts": [("name",)],
    "crm_contacts": [("first_name", "last_name", "full_name", "email")],
    "crm_opportunities": [("name",)],
}

# Headers that name the kind on their own, tried in this order.
_KIND_MARKERS = (
    ("crm_opportunities", {"opportunityname", "dealname", "stagename", "dealstage", "opportunitystage", "iswon",
                           "isclosed", "opportunityid", "dealid", "stage", "opportunityowner", "dealowner",
                           "estclosedate", "estrevenue", "potentialcustomer", "pipelinephase", "expectedclosedate",
                           "datewon", "valueperiod", "statustype", "nomdelopportunite", "nombredelaoportunidad",
                           "schlusstermin", "datedecloture", "fechadecierre", "etape", "etapa", "phase"}),
    ("crm_contacts", {"firstname", "lastname", "fullname", "contactname", "contactid", "contactowner", "email",
                      "emailaddress", "jobtitle", "contactrole", "primaryemail", "workemail", "businessemail",
                      "givenname", "familyname",
                      "vorname", "nachname", "prenom", "apellido", "apellidos", "voornaam", "achternaam",
                      "emailadresse", "correoelectronico", "courriel"}),
    ("crm_accounts", {"accountname", "companyname", "companydomainname", "website", "accounttype", "accountowner",
                      "companyowner", "accountid", "arr", "displayname", "nomducompte", "nombredelacuenta",
                      "firmenname", "unternehmensname", "accountinhaber", "leadname", "domains"}),
)

# Opportunity markers that a contacts list may carry too (Apollo's prospecting "Stage"): they
# name an opportunities file only when no column names a person.
_WEAK_OPPORTUNITY_MARKERS = {"stage", "phase", "etape", "etapa"}
_DEAL_FIELDS = {"amount", "closedate", "value", "dealvalue", "expectedclosedate", "closingdate", "probability",
                "dealamount", "betrag", "montant", "importe"}
_PERSON_MARKERS = {"firstname", "lastname", "fullname", "contactname", "givenname", "familyname", "vorname",
                   "nachname", "prenom", "apellido", "apellidos", "voornaam", "achternaam"}

# Contact markers an accounts export may carry too (a company's general email address): with
# nothing else naming a person, two or more account fields make the file accounts (SuiteCRM).
_WEAK_CONTACT_MARKERS = {"email", "emailaddress", "primaryemail", "workemail", "businessemail"}
_ACCOUNT_FIELDS = {"accounttype", "companydomainname", "accountowner", "companyowner", "website", "industry",
                   "annualrevenue", "billingstreet", "billingcity", "billingcountry", "numberofemployees", "employees",
                   "accountnumber", "accountsite", "parentaccount"}

# Words naming a record type in "Entity - Field" headers (Pipedrive "Deal - Title", "Person - Email"),
# "Field - Entity" headers (HubSpot joined exports "Record ID - Contact") and Dynamics 365's
# hidden "(Do Not Modify) Opportunity" id column.
_ENTITIES = {
    "deal": "crm_opportunities", "opportunity": "crm_opportunities", "opportunities": "crm_opportunities",
    "person": "crm_contacts", "people": "crm_contacts", "contact": "crm_contacts", "contacts": "crm_contacts",
    "lead": "crm_contacts",
    "organization": "crm_accounts", "organisation": "crm_accounts", "company": "crm_accounts",
    "companies": "crm_accounts", "account": "crm_accounts", "accounts": "crm_accounts",
    # Pipedrive names its record types in the user's language: French, Portuguese, Spanish.
    "affaire": "crm_opportunities", "negocio": "crm_opportunities", "personne": "crm_contacts",
    "pessoa": "crm_contacts", "organizacao": "crm_accounts", "trato": "crm_opportunities",
    "persona": "crm_contacts", "organizacion": "crm_accounts",
}
# A field of another record type that still says something about this one.
_FOREIGN = {
    ("crm_accounts", "name"): "accountname", ("crm_accounts", "id"): "accountid",
    ("crm_accounts", "recordid"): "accountid", ("crm_contacts", "name"): "contactperson",
    ("crm_accounts", "nom"): "accountname", ("crm_accounts", "nome"): "accountname",
    ("crm_contacts", "nom"): "contactperson", ("crm_contacts", "nome"): "contactperson",
    ("crm_accounts", "nombre"): "accountname", ("crm_contacts", "nombre"): "contactperson",
}
# A record's own "Name" in another language: Pipedrive's "Personne - Nom", "Pessoa - Nome" is the
# whole name (alone, "Nom" is a last name and "Nome" a first name).
_OWN_NAME = {"nom": "name", "nome": "name"}
_LABEL_PARTS = {"label", "type"}
_DO_NOT_MODIFY = re.compile(r"^\(do not modify\)\s*(.*)$", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")  # "Account Name (Account)", "Associated Company IDs (Primary)"

_FOOTER = re.compile(r"^(grand totals?\b|gesamtsumme|totaux|total g[eé]n[eé]ral|totales generales|"
                     r"confidential information|vertrauliche informationen|informations confidentielles|"
                     r"informaci[oó]n confidencial|copyright\b|generated by\b|©)", re.IGNORECASE)
# Rows of a grouped report that hold no record: subtotals, totals, counts ("Subtotal", "Count: 2", "Total").
_SUMMARY_ROW = re.compile(r"^(?:sub\s*-?\s*totals?|totals?|grand\s+totals?|count|sum|average|avg|max(?:imum)?|"
                          r"min(?:imum)?|median|record\s+count|zwischensumme|summe|anzahl|sous-total|"
                          r"somme|recuento)(?:\s+of\s+.*|\s*[:(].*)?$", re.IGNORECASE)
# A group header of a summary report: "Account Owner: Jane Doe (3 records)".
_GROUP_ROW = re.compile(r"^(?:(?P<label>[^:()]{1,80}?):\s*)?(?P<value>.*?)\s*\(\s*[\d.,]+\s*(?:records?|rows?|items?)?\s*\)$",
                        re.IGNORECASE)
# The fields that name a record; a grouped report's grouping columns are left of them.
_NAME_FIELDS = {"crm_accounts": ("name",), "crm_contacts": ("first_name", "last_name", "full_name", "email"),
                "crm_opportunities": ("name",)}
_EMPTY_LOOKUP = re.compile(r"^0{15}AAA$|^0{15,18}$")
_DEACTIVATED = re.compile(r"\s*\((deactivated|inactive|former)[^)]*\)\s*$", re.IGNORECASE)
_IGNORE = {"", "ignore", "skip", "none", "-"}
_SINGULAR = {"crm_accounts": "account", "crm_contacts": "contact", "crm_opportunities": "opportunity"}


def norm_header(text: object) -> str:
    """A header cell as an alias key: folded, only letters and digits."""
    return re.sub(r"[^0-9a-z]", "", identity.fold(str(text or "")))


def fields_of(kind: str) -> list[str]:
    """The fields a mapping may name for ``kind``."""
    return list(ALIASES[kind])


# --- reading the table ----------------------------------------------------------------------


def is_xlsx(data: bytes) -> bool:
    """True when ``data`` is an Excel workbook (a zip holding ``xl/workbook.xml``)."""
    from relmap.ingest.archive import zip_names

    if not data.startswith(b"PK"):
        return False
    return "xl/workbook.xml" in (zip_names(data) or [])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_rows(name: str, data: bytes, wanted: set[str] | None = None) -> list[list[str]]:
    """Every row of one sheet of a workbook, as text: the first visible sheet whose first 50 rows
    hold a header (every column in ``wanted``, else two known header aliases), else the first
    non-empty sheet. A cover or summary sheet before the data is passed over, and so is a hidden
    sheet (Dynamics 365 keeps its metadata in one)."""
    import openpyxl

    from relmap.ingest import archive

    archive.open_zip(name, data).close()  # zip limits first: a workbook is a zip too
    limit = config.MAX_ROWS + 51  # header rows may precede the data
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # corrupt workbook, encrypted file...
        raise RejectedFile(f"{name} cannot be opened as an Excel workbook ({exc.__class__.__name__}); "
                           "save it again as .xlsx or export it as CSV.") from None
    first: list[list[str]] | None = None
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in row])
                if len(rows) > limit:
                    raise RejectedFile(f"{name} has more than {config.MAX_ROWS:,} rows, the limit; split it into "
                                       "smaller files or raise RELMAP_MAX_ROWS.")
            if not any(any(c.strip() for c in r) for r in rows):
                continue
            first = first if first is not None else rows
            for row in rows[:50]:
                cells = [c.strip() for c in row[:HEADER_CELLS]]
                if (wanted and wanted <= {norm_header(c) for c in cells}) or \
                        (not wanted and _header_score(cells) >= 2):
                    return rows
    except RejectedFile:
        raise
    except Exception as exc:  # a sheet that is not XML, a cell openpyxl cannot read...
        raise RejectedFile(f"{name} cannot be read as an Excel workbook ({exc.__class__.__name__}); "
                           "save it again as .xlsx or export it as CSV.") from None
    finally:
        book.close()
    if first is not None:
        return first
    raise RejectedFile(f"{name} is an empty workbook; export the CRM report again.")


def is_html(data: bytes) -> bool:
    """True for an HTML page holding a table: the ".xls" many CRMs export (Salesforce's printable
    view, "Export to Excel" of older tools) is HTML, not a workbook."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode()
    return head.startswith(b"<") and b"<table" in data[:1_000_000].lower().replace(b"\x00", b"")


class _HtmlRows(HTMLParser):
    """Every ``<tr>`` of an HTML page as a list of cell texts, in page order (a ``colspan`` cell
    is followed by empty cells, so columns line up)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.span = min(int(span), 1000) if span.strip().isdigit() else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is not None:
            if self.row is None:
                self.row = []
            self.row.append(" ".join("".join(self.cell).split()))
            self.row.extend([""] * (self.span - 1))
            self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row:
            self.rows.append(self.row)
            if len(self.rows) > config.MAX_ROWS + 51:
                raise RejectedFile("more rows than the limit")
        self.row = None


def read_html_rows(name: str, data: bytes) -> list[list[str]]:
    """The table rows of an HTML ".xls" export, as text."""
    text, _ = decode(name, data)
    parser = _HtmlRows()
    try:
        parser.feed(text)
        parser.close()
    except RejectedFile:
        raise RejectedFile(f"{name} has more than {config.MAX_ROWS:,} rows, the limit; split it into "
                           "smaller files or raise RELMAP_MAX_ROWS.") from None
    parser._end_row()
    if not parser.rows:
        raise RejectedFile(f"{name} is a web page without a table; export the report again as CSV.")
    return parser.rows


def read_rows(name: str, data: bytes, wanted: set[str] | None = None) -> tuple[list[list[str]], list[int], str, str]:
    """Rows of a CSV, XLSX or HTML-table file with each row's 1-based line (row number for a
    workbook or a web page); plus encoding and delimiter."""
    if is_xlsx(data):
        rows = read_xlsx_rows(name, data, wanted)
        return rows, list(range(1, len(rows) + 1)), "xlsx", ""
    if is_html(data):
        rows = read_html_rows(name, data)
        return rows, list(range(1, len(rows) + 1)), "html", ""
    text, encoding = decode(name, data)
    sample = text[:20000]
    delimiter = max([",", ";", "\t"], key=sample.count)
    rows, lines = read_records(name, text, delimiter)
    return rows, lines, encoding, delimiter


def first_row(name: str, data: bytes) -> list[str]:
    """The first row with two or more filled cells (else the first non-blank one): what a
    message shows as the header of a file relmap does not know."""
    rows = [[c.strip() for c in r] for r in read_rows(name, data)[0][:50] if any(c.strip() for c in r)]
    return next((r for r in rows if sum(1 for c in r if c) >= 2), rows[0] if rows else [])


# Referral headers (relmap.ingest.referrals) count too, so one reader serves both.
_REFERRAL_HEADERS = {"referrer", "referred", "referredby", "introducer", "introducedby", "referee", "referrername",
                     "referredbyname", "introducername", "referreremail", "referredname", "refereename",
                     "referralname", "referredemail", "refereeemail"}


_KNOWN_HEADERS = {alias for fields in ALIASES.values() for aliases in fields.values() for alias in aliases} \
    | _REFERRAL_HEADERS

#: How many cells of a row are looked at to tell whether it is the header.
HEADER_CELLS = 1000


def _header_score(cells: list[str]) -> int:
    """How many of a row's first cells are known column names (any spelling, ``Entity - Field`` included)."""
    score = 0
    for cell in cells[:HEADER_CELLS]:
        key = norm_header(cell)
        if key in _KNOWN_HEADERS:
            score += 1
        elif key and any(ch in cell for ch in "-:(\u2013") and \
                any(k in _KNOWN_HEADERS for k in header_keys(None, cell)):
            score += 1
    return score


def _better_header_below(rows: list[list[str]], idx: int) -> int:
    """A two-row header ("Contact,,,Company" above "First Name,Last Name,...,Company"): the row
    just below wins when it names more known columns."""
    best = _header_score(rows[idx])
    for below in range(idx + 1, min(idx + 3, len(rows))):
        score = _header_score(rows[below])
        if score > best:
            idx, best = below, score
    return idx


def read_table(name: str, data: bytes, mapping: dict[str, str] | None = None) -> Table:
    """Decode a CRM or referrals file and find its header row by content.

    The header is the first of the first 50 rows holding every column named in
    ``mapping``, or else at least two known header aliases.
    """
    wanted = {norm_header(c) for c in (mapping or {})}
    rows, lines, encoding, delimiter = read_rows(name, data, wanted)
    for idx, row in enumerate(rows[:50]):
        # A header's known columns are among its first cells: a 100,000-column line is not scanned whole.
        normed = {norm_header(c) for c in row[:HEADER_CELLS]}
        if (wanted and wanted <= normed) or (not wanted and _header_score(row) >= 2):
            if not wanted:
                idx = _better_header_below(rows, idx)
            cells = [c.strip() for c in rows[idx]]
            data = unwrap_quoted_rows(rows[idx + 1:], delimiter, len(cells))
            return Table(name, encoding, delimiter, cells, lines[idx], data, lines[idx + 1:])
    if wanted:
        raise NoHeaderFound(f"{name}: no row in its first 50 lines holds the columns named in --map "
                            f"({', '.join(mapping)}); check their spelling against the file's header.")
    raise NoHeaderFound(f"{name} has no header row relmap recognises in its first 50 lines; "
                        "upload the file as exported, with its header row, or name its columns with --map.")


class NoHeaderFound(RejectedFile):
    """No row of a CRM or referrals file looks like its header."""


# --- kind and mapping --------------------------------------------------------------------------


def _split_header(text: str) -> list[str]:
    """``"Deal - Title"`` -> ``["Deal", "Title"]``; ``"Account: Account Name"`` -> ``["Account", "Account Name"]``."""
    return [part.strip() for part in re.split(r"\s+[-\u2013]\s+|:\s+", text) if part.strip()]


def _entity_of(cell: object) -> str | None:
    """The record type a header cell names (``"Deal - Title"`` -> crm_opportunities), or None."""
    text = _QUALIFIER.sub("", str(cell or "").strip()) or str(cell or "").strip()
    if m := _DO_NOT_MODIFY.match(text):
        return _ENTITIES.get(norm_header(m.group(1)))
    parts = _split_header(text)
    if len(parts) < 2:
        return None
    return _ENTITIES.get(norm_header(parts[0])) or _ENTITIES.get(norm_header(parts[-1]))


def header_keys(kind: str | None, cell: object) -> list[str]:
    """The alias keys a header cell may stand for in a file of ``kind``, most specific first.

    Besides the cell itself: without a trailing qualifier (``Account Name (Account)``), and for
    ``Entity - Field`` / ``Field - Entity`` headers the field when the entity is this kind's own
    (``Deal - Title`` -> ``title``) or what another entity's field says about this one
    (``Organization - Name`` -> ``accountname``). Dynamics' ``(Do Not Modify) Opportunity`` is the
    id of an opportunities file; its ``Row Checksum`` and ``Modified On`` columns stand for nothing.

    >>> header_keys("crm_opportunities", "Deal - Title"), header_keys("crm_contacts", "Record ID - Company")
    (['dealtitle', 'title'], ['recordidcompany', 'accountid'])
    >>> header_keys("crm_contacts", "(Do Not Modify) Row Checksum"), header_keys("crm_contacts", "Person - Email - Work")
    ([], ['personemailwork', 'emailwork', 'email'])
    """
    text = str(cell or "").strip()
    if m := _DO_NOT_MODIFY.match(text):
        entity = _ENTITIES.get(norm_header(m.group(1)))
        return ["id"] if entity is not None and entity == (kind or entity) else []
    keys = [norm_header(text)]
    bare = _QUALIFIER.sub("", text)
    if bare and bare != text:
        keys.append(norm_header(bare))
    parts = _split_header(bare or text)
    if len(parts) >= 2:
        for entity_part, field_parts in ((parts[0], parts[1:]), (parts[-1], parts[:-1])):
            entity = _ENTITIES.get(norm_header(entity_part))
            if entity is None:
                continue
            field_key = norm_header(" ".join(field_parts))
            if kind is None or entity == kind:
                keys += [_OWN_NAME.get(field_key, field_key), norm_header(field_parts[0])]
            elif foreign := _FOREIGN.get((entity, field_key)):
                keys.append(foreign)
            break
        else:
            # Address books label each value in a column beside it ("E-mail 1 - Label", "Phone 1 - Type"):
            # the label is no value; "E-mail 1 - Value" is the e-mail.
            if norm_header(parts[-1]) not in _LABEL_PARTS:
                keys.append(norm_header(parts[0]))
    return list(dict.fromkeys(k for k in keys if k))


def _match(kind: str, cell: object) -> tuple[str, int] | None:
    """The field a header cell stands for in ``kind`` and the alias's rank (lower is more specific)."""
    for key in header_keys(kind, cell):
        best: tuple[str, int] | None = None
        for field_name, aliases in ALIASES[kind].items():
            if key in aliases and (best is None or aliases.index(key) < best[1]):
                best = (field_name, aliases.index(key))
        if best:
            return best
    return None


# Salesforce Data Export (Setup > Data Export): one CSV per object, API column names. Every object
# has these system columns; the objects relmap reads are told from their children (a Task or an
# OpportunityContactRole carries ``AccountId``/``OpportunityId``/``ContactId`` too) by their own fields.
_SF_SYSTEM_COLUMNS = {"IsDeleted", "SystemModstamp", "CreatedById", "LastModifiedById", "OwnerId", "CreatedDate"}
_SF_ACCOUNT_COLUMNS = {"Website", "Industry", "BillingStreet", "BillingCity", "BillingState", "BillingCountry",
                       "AccountNumber", "AccountSource", "NumberOfEmployees", "TickerSymbol", "Ownership", "Sic"}


def salesforce_object(header: list[str]) -> str | None:
    """The kind of a Salesforce Data Export table (API column names): ``crm_accounts`` (Account),
    ``crm_contacts`` (Contact, Lead), ``crm_opportunities`` (Opportunity), or ``""`` for an object
    relmap does not read (User, Task, OpportunityContactRole, OpportunityLineItem, Asset...);
    None for a header that is not a Data Export's.

    >>> salesforce_object(["Id", "IsDeleted", "AccountId", "LastName", "FirstName", "OwnerId"])
    'crm_contacts'
    >>> salesforce_object(["Id", "OpportunityId", "ContactId", "Role", "IsPrimary", "SystemModstamp"])
    ''
    >>> salesforce_object(["Account Name", "Id", "Owner"]) is None
    True
    """
    names = {str(h).strip().lstrip("\ufeff") for h in header}
    if "Id" not in names or not names & _SF_SYSTEM_COLUMNS:
        return None
    if {"StageName", "Name"} <= names and "OpportunityId" not in names:
        return "crm_opportunities"
    if "LastName" in names and not names & {"ContactId", "LeadId", "CampaignId", "Username"}:
        return "crm_contacts"
    if "Name" in names and names & _SF_ACCOUNT_COLUMNS and \
            not names & {"AccountId", "ContactId", "OpportunityId", "Username"}:
        return "crm_accounts"
    return ""


def salesforce_users(header: list[str], rows: list[list[str]]) -> dict[str, str]:
    """User id -> name from a Salesforce Data Export ``User.csv`` (``Id``, ``Username``, ``Name`` or
    ``FirstName``/``LastName``); empty for any other table. Owners in the export are user ids."""
    index = {str(h).strip().lstrip("\ufeff"): i for i, h in enumerate(header)}
    if not {"Id", "Username"} <= set(index) or not ({"Name"} & set(index) or "LastName" in index):
        return {}

    def cell(row: list[str], column: str) -> str:
        i = index.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    users = {}
    for row in rows:
        name = cell(row, "Name") or " ".join(p for p in (cell(row, "FirstName"), cell(row, "LastName")) if p)
        if cell(row, "Id") and name:
            users[cell(row, "Id")] = name
    return users


def salesforce_contact_roles(header: list[str], rows: list[list[str]]) -> dict[str, list[tuple[str, str | None]]]:
    """Opportunity id -> [(contact id, role)] from a Salesforce Data Export's
    ``OpportunityContactRole.csv`` (primary contact first); empty for any other table."""
    index = {str(h).strip().lstrip("\ufeff"): i for i, h in enumerate(header)}
    if not {"Id", "OpportunityId", "ContactId", "Role"} <= set(index):
        return {}

    def cell(row: list[str], column: str) -> str:
        i = index.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    roles: dict[str, list[tuple[str, str | None]]] = {}
    for row in sorted(rows, key=lambda r: parse_bool(cell(r, "IsPrimary")) is not True):
        if parse_bool(cell(row, "IsDeleted")):
            continue
        if (opportunity := clean_id(cell(row, "OpportunityId"))) and (contact := clean_id(cell(row, "ContactId"))):
            roles.setdefault(opportunity, []).append((contact, identity.clean_text(cell(row, "Role"))))
    return roles


def detect_kind(header: list[str], mapping: dict[str, str] | None = None) -> str | None:
    """The CRM kind a header describes (or the kind the mapping's fields point to), or None.

    Marker headers decide first; then the record type most ``Entity - Field`` headers name
    (Pipedrive's ``Person - Name``, Dynamics' ``(Do Not Modify) Opportunity``).

    >>> detect_kind(["Record ID", "Deal Name", "Deal Stage", "Amount"])
    'crm_opportunities'
    >>> detect_kind(["Account Name", "Type", "Website", "Account Owner"])
    'crm_accounts'
    >>> detect_kind(["Person - ID", "Person - Name", "Person - Organization", "Organization - Name"])
    'crm_contacts'
    >>> detect_kind(["Id", "ParentId", "Name", "Body"]) is None  # a Salesforce Attachment.csv
    True
    >>> detect_kind(["First Name", "Last Name", "Company", "Email", "Stage"])  # an Apollo people export
    'crm_contacts'
    >>> detect_kind(["Name", "Contact Name", "Stage", "Amount", "Close Date"])
    'crm_opportunities'
    >>> detect_kind(["Title", "Value", "Stage", "Organization", "Contact person"])
    'crm_opportunities'
    >>> detect_kind(["Name", "Account Type", "Industry", "Website", "Email Address"]), detect_kind(["Name", "Email", "Website"])
    ('crm_accounts', 'crm_contacts')
    """
    sf_object = salesforce_object(header)
    if sf_object or (sf_object == "" and not mapping):
        return sf_object or None  # a Data Export object: its own fields decide, not its children's ids
    normed = {norm_header(c) for c in header}
    for kind, markers in _KIND_MARKERS:
        found = normed & markers
        if kind == "crm_opportunities" and found <= _WEAK_OPPORTUNITY_MARKERS and normed & _PERSON_MARKERS \
                and not normed & _DEAL_FIELDS:
            continue  # a people list with a prospecting stage (Apollo): contacts
        if kind == "crm_contacts" and found <= _WEAK_CONTACT_MARKERS and len(normed & _ACCOUNT_FIELDS) >= 2:
            continue  # companies with their general email address: accounts
        if found:
            return kind
    entities = [e for e in map(_entity_of, header) if e]
    if entities:
        return max(dict.fromkeys(entities), key=entities.count)  # ties: the first named
    keys = {k for c in header for k in header_keys(None, c)}
    for kind, markers in _KIND_MARKERS:
        if keys & markers:
            return kind
    if mapping:
        votes = {kind: sum(f in ALIASES[kind] and all(f not in ALIASES[k] for k in CRM_KINDS if k != kind)
                           for f in mapping.values()) for kind in CRM_KINDS}
        kind, count = max(votes.items(), key=lambda kv: kv[1])
        if count:
            return kind
    return None


def auto_mapping(kind: str, header: list[str]) -> dict[int, str]:
    """Column index -> field from header aliases (each field takes its best-ranked column first).

    A LinkedIn lead list (Sales Navigator search exported by PhantomBuster) names LinkedIn's own
    company ids (``companyId``), which are no CRM account ids: they are left out.
    """
    out: dict[int, str] = {}
    for i, cell in enumerate(header):
        if match := _match(kind, cell):
            out[i] = match[0]
    if guess_vendor(header) == "sales-navigator":
        out = {i: f for i, f in out.items() if f not in ("external_id", "account_external_id")}
    if kind == "crm_contacts" and "jobtitle" in {norm_header(c) for c in header}:
        # Beside "Job Title", a plain "Title" is the honorific (Outlook's "Title": Dr., Ms.).
        out = {i: f for i, f in out.items() if not (f == "title" and norm_header(header[i]) == "title")}
    return out


def _column_mapping(name: str, kind: str, header: list[str], mapping: dict[str, str] | None) -> dict[int, str]:
    cols = auto_mapping(kind, header)
    for column, field_name in (mapping or {}).items():
        field_name = field_name.strip().lower()
        idx = [i for i, h in enumerate(header) if h.strip() == column.strip()] or \
              [i for i, h in enumerate(header) if norm_header(h) == norm_header(column)]
        if not idx:
            raise RejectedFile(f"{name}: the column {column!r} named in --map is not in its header "
                               f"({', '.join(h for h in header[:12] if h)}); check the spelling.")
        if field_name not in _IGNORE and field_name not in ALIASES[kind]:
            raise RejectedFile(f"{name}: {field_name!r} is not a field of {kind.replace('_', ' ')}; use one of "
                               f"{', '.join(ALIASES[kind])} (or 'ignore') in --map \"Column=field\".")
        for i in idx:
            if field_name in _IGNORE:
                cols.pop(i, None)
            else:
                # The user's column wins: other columns auto-mapped to that field step aside.
                for j in [j for j, f in cols.items() if f == field_name and j not in idx]:
                    del cols[j]
                cols[i] = field_name
    return cols


# Columns of an accounts file that describe its primary contact (Close's lead export writes
# primary_contact_name, _first_name, _last_name, _title, _primary_email): the field of each, by
# what follows "primary contact" in the header key.
_PRIMARY_CONTACT_FIELDS = {
    "": "full_name", "name": "full_name", "fullname": "full_name", "firstname": "first_name",
    "lastname": "last_name", "title": "title", "jobtitle": "title", "primaryemail": "email", "email": "email",
    "emailaddress": "email", "id": "external_id",
}


def primary_contact_columns(header: list[str], cols: dict[int, str]) -> dict[str, list[int]]:
    """Field -> column indexes of an accounts file's primary-contact columns (columns the account
    mapping already uses excepted).

    >>> primary_contact_columns(["id", "display_name", "primary_contact_name", "primary_contact_primary_email",
    ...                          "primary_contact_other_emails"], {0: "external_id", 1: "name"})
    {'full_name': [2], 'email': [3]}

    Dynamics 365 names the contact's fields after the field: ``Email (Primary Contact)``.

    >>> primary_contact_columns(["Account Name", "Primary Contact", "Email (Primary Contact)"], {0: "name"})
    {'full_name': [1], 'email': [2]}
    """
    out: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        key = norm_header(cell)
        if i in cols:
            continue
        if key.startswith("primarycontact"):
            part = key.removeprefix("primarycontact")
        elif key.endswith("primarycontact") and re.search(r"\(\s*primary contact\s*\)\s*$", str(cell), re.IGNORECASE):
            part = key.removesuffix("primarycontact")
        else:
            continue
        if field_name := _PRIMARY_CONTACT_FIELDS.get(part):
            out.setdefault(field_name, []).append(i)
    return out


# The person columns of an "Opportunities with Contact Roles" report: one row per deal and contact.
_OPPORTUNITY_PEOPLE = {"first": {"firstname", "contactfirstname"}, "last": {"lastname", "contactlastname"},
                       "email": {"email", "emailaddress", "contactemail"}, "full": {"fullname", "contactfullname"},
                       "role": {"contactrole", "role", "opportunityrole", "contactroles"},
                       "title": {"jobtitle", "contacttitle", "title"}}


def _opportunity_people(header: list[str], cols: dict[int, str]) -> dict[str, int]:
    """Column of each person part (first, last, email, full name) and of the role, when an
    opportunities file names a contact per row; empty otherwise. A column the user mapped is left alone."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = norm_header(cell)
        for part, keys in _OPPORTUNITY_PEOPLE.items():
            if key in keys and part not in found and cols.get(i) in (None, "contact_roles", "name"):
                found[part] = i
    if "title" in found and cols.get(found["title"]) == "name" and \
            not any(f == "name" and i != found["title"] for i, f in cols.items()):
        del found["title"]  # "Title" is the deal's name here (Pipedrive), not the contact's job title
    return found if set(found) - {"role", "title"} else {}


def _with_row_contacts(records: list[dict], rows: dict[int, list[str]],
                       people: dict[str, int]) -> tuple[list[dict], pd.DataFrame | None]:
    """Each row's contact (email, else name) with its role as the opportunity's contact roles, and
    the rows of one opportunity (same id, else same name, account, close date and amount) merged
    into its first row. Also the contacts themselves, as CRM contacts of the deal's account."""

    def cell(row: list[str], part: str) -> str | None:
        i = people.get(part)
        return identity.clean_text(row[i]) if i is not None and i < len(row) else None

    merged: dict[tuple, dict] = {}
    contacts = []
    for rec in records:
        row = rows.get(rec["line"], [])
        email = first_email(cell(row, "email"))
        first, last = cell(row, "first"), cell(row, "last")
        if not first and not last:
            first, last = split_name(cell(row, "full"))
        who = email or identity.clean_text(" ".join(p for p in (first, last) if p))
        roles = [{"contact": who, "role": normalise_role(cell(row, "role"))}] if who else []
        if who:
            contacts.append({"line": rec["line"], "external_id": None, "first_name": first, "last_name": last,
                             "email": email, "title": cell(row, "title"), "account_name": rec.get("account_name"),
                             "account_external_id": rec.get("account_external_id"),
                             "role": normalise_role(cell(row, "role")), "owner": None, "last_activity": None})
        key = ("id", rec["external_id"]) if rec.get("external_id") else \
            ("name", rec["name"], rec.get("account_name"), rec.get("close_date"), rec.get("amount"))
        if key in merged:
            merged[key]["contact_roles"] += [r for r in roles if r not in merged[key]["contact_roles"]]
        else:
            rec["contact_roles"] = roles
            merged[key] = rec
    if not contacts:
        return list(merged.values()), None
    frame = pd.DataFrame.from_records(contacts, columns=PARSED_COLUMNS["crm_contacts"])
    return list(merged.values()), frame.astype(object).where(frame.notna(), None)


def _primary_contacts(contacts: list[tuple[int, dict]], accounts: list[dict]) -> pd.DataFrame | None:
    """The contact frame of the primary contacts named on account rows, each filed under its account
    (name and id); rows naming no contact are left out, so they are not problems."""
    by_line = {a["line"]: a for a in accounts}
    records = []
    for line, values in contacts:
        account = by_line.get(line)
        if account is None or not any(values.get(f) for f in ("full_name", "first_name", "last_name", "email")):
            continue
        row = {**values, "account_name": None}
        record = _shape("crm_contacts", row, {"line": line}, line, [])
        if record is not None:
            record.update(account_name=account["name"], account_external_id=account["external_id"])
            records.append(record)
    if not records:
        return None
    frame = pd.DataFrame.from_records(records, columns=PARSED_COLUMNS["crm_contacts"])
    return frame.astype(object).where(frame.notna(), None)


def _check_required(name: str, kind: str, cols: dict[int, str]) -> None:
    present = set(cols.values())
    for options in REQUIRED[kind]:
        if not present & set(options):
            field_name = "full_name" if kind == "crm_contacts" else options[0]
            raise MappingNeeded(
                f"{name}: no column holds the {_SINGULAR[kind]} {field_name.replace('_', ' ')}; "
                f"say which one does with --map \"Column={field_name}\" (or pick it on the Upload page).")


def propose_mapping(name: str, data: bytes) -> tuple[str | None, dict[str, str], pd.DataFrame]:
    """What the Upload page shows before a CRM import: ``(kind, {column: field}, preview)``.

    ``kind`` is None when the header names no CRM kind; the preview is the first ten
    data rows as written, one column per header cell.
    """
    try:
        table = read_table(name, data)
    except RejectedFile:
        rows, lines, _, _ = read_rows(name, data)
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            raise
        table = Table(name, "", "", [c.strip() for c in rows[0]], 1, rows[1:], list(range(2, len(rows) + 1)))
    from relmap.ingest import referrals

    if referrals.looks_like_referrals(table.header):
        kind = "referrals"
        proposal = {table.header[i]: f for f, i in referrals.column_indexes(table.header).items()}
    else:
        kind = detect_kind(table.header)
        proposal = {table.header[i]: f for i, f in auto_mapping(kind, table.header).items()} if kind else {}
    columns = _unique_names(table.header)
    preview = pd.DataFrame([(r + [""] * len(columns))[:len(columns)] for r in table.rows[:10]], columns=columns)
    return kind, proposal, preview


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


# --- values ---------------------------------------------------------------------------------------


_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "b": 1e9, "bn": 1e9}


def parse_amount(text: object, decimal_comma: bool = False) -> float | None:
    """A money amount with any currency sign or code; None when it is not a number.

    One separator followed by groups of exactly three digits separates thousands (``1,200``,
    ``EUR 1.200``); otherwise the last separator is the decimal one (``1.234,56``, ``475,00``).
    ``decimal_comma`` (files from a ``;`` locale) reads a lone ``1,5`` as well, as any file would.
    Accounting negatives ``(1,200)`` and ``k``/``M`` suffixes (``$25k``, ``$1.2M``) are read too.

    >>> [parse_amount(t) for t in ("USD 1,200", "1.234,56 €", "(1,200)", "$25k", "$1.2M", "9225.225", "12%")]
    [1200.0, 1234.56, -1200.0, 25000.0, 1200000.0, 9225.225, 12.0]
    """
    raw = identity.clean_text(text)
    if raw is None:
        return None
    negative = raw.startswith("(") and raw.endswith(")") or "-" in raw or "\u2212" in raw
    scale = 1.0
    if m := re.search(r"\d\s*(k|mm|mn|mio|m|bn|b)\b\.?\s*\)?$", raw, re.IGNORECASE):
        scale = _MULTIPLIERS[m.group(1).lower()]
    digits = re.sub(r"[^\d,.]", "", raw)
    if not re.search(r"\d", digits):
        return None
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits or "." in digits:
        sep = "," if "," in digits else "."
        thousands = re.fullmatch(rf"[1-9]\d{{0,2}}(\{sep}\d{{3}})+", digits)
        decimal = ("." if sep == "," else ",") if thousands else sep
    else:
        decimal = "."
    group = "," if decimal == "." else "."
    digits = digits.replace(group, "").replace(decimal, ".")
    try:
        value = float(digits) * scale
    except ValueError:
        return None
    return -value if negative else value


_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:[ ,T]+\d{1,2}:\d{2}.*)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
                  "%B %d %Y", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%a %b %d %Y", "%a, %d %b %Y", "%b %Y", "%B %Y")


def _year(text: str) -> int:
    y = int(text)
    return y if y >= 100 else (2000 + y if y < 70 else 1900 + y)


def parse_dates(values: list[str | None], dayfirst: bool | None = None) -> list[date | None | str]:
    """Dates of one column. Unreadable cells come back as their text (the caller reports them).

    Numeric dates are month-first unless a value proves otherwise (a first part above 12)
    or ``dayfirst`` says so (files from a ``;`` locale).

    >>> parse_dates(["3/31/2024", "4/1/24 9:05 AM", "2024-05-02T10:00:00.000Z", "01-Dec-21", "soon", None])
    [datetime.date(2024, 3, 31), datetime.date(2024, 4, 1), datetime.date(2024, 5, 2), datetime.date(2021, 12, 1), 'soon', None]
    >>> parse_dates(["5-3-2024", "25-12-2024"])
    [datetime.date(2024, 3, 5), datetime.date(2024, 12, 25)]
    >>> parse_dates(["3. März 2021", "01-déc.-21", "1 de mayo de 2022"])
    [datetime.date(2021, 3, 3), datetime.date(2021, 12, 1), datetime.date(2022, 5, 1)]
    """
    texts = [identity.clean_text(v) for v in values]
    numeric = [m for t in texts if t and (m := _NUMERIC_DATE.match(t))]
    if any(int(m.group(1)) > 12 for m in numeric):
        dayfirst = True
    elif any(int(m.group(3)) > 12 for m in numeric):
        dayfirst = False
    elif dayfirst is None:
        dayfirst = bool(numeric) and all(m.group(2) in ".-" for m in numeric)
    out: list[date | None | str] = []
    for t in texts:
        out.append(None if t is None else _one_date(t, dayfirst))
    return out


def _one_date(text: str, dayfirst: bool) -> date | str:
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _NUMERIC_DATE.match(text):
            a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
            return date(y, b, a) if dayfirst else date(y, a, b)
    except ValueError:
        return text
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and 20000 < float(text) < 80000:
        return date(1899, 12, 30) + timedelta(days=int(float(text)))  # an Excel date serial number
    plain = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text)  # "December 1st, 2021"
    head = plain.split(" ", 3)
    for candidate in dict.fromkeys((plain, " ".join(head[:3]), " ".join(head[:4]), head[0])):
        for fmt in _NAMED_FORMATS:
            try:
                return datetime.strptime(candidate.strip(), fmt).date()
            except ValueError:
                continue
    # Only for a text no format above reads: a month name in another language (``3. März 2021``).
    return named_date(text) or text


def parse_bool(text: object) -> bool | None:
    """``1``/``0``, ``true``/``false``, ``yes``/``no``; None otherwise."""
    raw = identity.clean_text(text)
    if raw is None:
        return None
    return {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "y": True,
            "n": False, "x": True}.get(raw.lower())


def clean_owner(text: object) -> str | None:
    """An owner cell without ``(Deactivated User)`` and similar notes."""
    raw = identity.clean_text(text)
    return identity.clean_text(_DEACTIVATED.sub("", raw)) if raw else None


def clean_id(text: object) -> str | None:
    """An external id; Salesforce's empty lookup ``000000000000000AAA`` is None."""
    raw = identity.clean_text(text)
    return None if raw is None or _EMPTY_LOOKUP.match(raw) else raw


def normalise_status(text: object) -> str:
    """An account type or lifecycle stage as customer / opportunity / prospect / churned."""
    raw = identity.clean_text(text)
    if raw is None:
        return "prospect"
    key = identity.fold(raw)
    if re.search(r"churn|former|\bex[- ]?customer|lost customer|cancel|inactive customer", key):
        return "churned"
    if re.search(r"customer|closed ?won|\bclient\b|evangelist|\bactive\b", key):
        return "customer"
    if re.search(r"opportunit|pipeline|negotiat|proposal", key):
        return "opportunity"
    return "prospect"


_ROLES = (
    (r"champion|advocate|sponsor|coach", "champion"),
    (r"economic|budget|signator|sign[- ]?off", "economic_buyer"),
    (r"decision", "decision_maker"),
    (r"technical|evaluator|architect", "technical_buyer"),
    (r"influenc", "influencer"),
    (r"blocker|detractor", "blocker"),
    (r"\buser\b|end user", "user"),
)


def normalise_role(text: object) -> str | None:
    """A buying role as champion / economic_buyer / decision_maker / technical_buyer / influencer /
    blocker / user; other text is kept in snake case."""
    raw = identity.clean_text(text)
    if raw is None:
        return None
    key = identity.fold(raw)
    for pattern, role in _ROLES:
        if re.search(pattern, key):
            return role
    return re.sub(r"[^\w]+", "_", key).strip("_") or None


def parse_contact_roles(text: object) -> list[dict]:
    """``"Jane Doe (Champion); bob@acme.com (Economic Buyer)"`` -> ``[{"contact", "role"}, ...]``.

    >>> parse_contact_roles("Jane Doe (Champion); bob@acme.com; Ama Boateng (ama@kestrel.example)")
    [{'contact': 'Jane Doe', 'role': 'champion'}, {'contact': 'bob@acme.com', 'role': None}, {'contact': 'ama@kestrel.example', 'role': None}]
    """
    raw = identity.clean_text(text)
    if raw is None:
        return []
    out = []
    for part in re.split(r"[;\n|]+", raw):
        part = part.strip()
        m = re.match(r"^(.*?)\s*[(\[]([^)\]]*)[)\]]\s*$", part) or re.match(r"^(.*?)\s+[-:]\s+(.+)$", part)
        contact, role = (m.group(1), m.group(2)) if m else (part, None)
        if role and identity.normalise_email(role):
            contact, role = identity.normalise_email(role), None  # HubSpot's "Ama Boateng (ama@x.com)"
        if identity.clean_text(contact):
            out.append({"contact": contact.strip(), "role": normalise_role(role)})
    return out


def split_name(text: object) -> tuple[str | None, str | None]:
    """``"Jane van Doe"`` -> ``("Jane", "van Doe")``; ``"Doe, Jane"`` -> ``("Jane", "Doe")``."""
    raw = identity.clean_text(text)
    if raw is None:
        return None, None
    if "," in raw:
        last, _, first = raw.partition(",")
        return identity.clean_text(first), identity.clean_text(last)
    words = raw.split()
    if len(words) == 1:
        return words[0], None
    particles = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "dos", "das"}
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in particles:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


# --- parsing ----------------------------------------------------------------------------------------


def parse(path: str, table: Table, content_hash: str, kind: str, mapping: dict[str, str] | None = None,
          vendor: str | None = None) -> ParsedFile:
    """Rows of a CRM export of ``kind``; footers skipped, values typed, problems listed by line."""
    name = table.name
    cols = _column_mapping(name, kind, table.header, mapping)
    _check_required(name, kind, cols)
    by_field: dict[str, list[int]] = {}

    def rank(i: int, field_name: str) -> int:
        match = _match(kind, table.header[i])
        return match[1] if match and match[0] == field_name else -1  # a column the user mapped comes first

    for i, f in sorted(cols.items(), key=lambda kv: (rank(*kv), kv[0])):
        by_field.setdefault(f, []).append(i)

    def value(row: list[str], field_name: str) -> str | None:
        for i in by_field.get(field_name, []):
            if i < len(row) and (v := identity.clean_text(row[i])) is not None:
                return v
        return None

    decimal_comma = table.delimiter == ";"
    deleted = next((i for i, h in enumerate(table.header) if norm_header(h) == "isdeleted"), None)
    header_keys_row = [norm_header(h) for h in table.header]
    header_first = table.header[0].lower() if table.header else ""
    # Grouped ("summary") reports show a group's value once: on a "Owner: Jane (3 records)" row or in the
    # group's first row only. Columns left of the first name column are the grouping columns.
    name_cols = [i for f in _NAME_FIELDS[kind] for i in by_field.get(f, [])]
    group_cols = range(min(name_cols)) if name_cols else range(0)
    group_values: dict[str, str] = {}
    carry: dict[int, str] = {}
    grouped = any(_is_report_row(row) for row in table.rows)
    # A board exported by group (monday.com) repeats the header under each group's title: a row
    # whose only cell is the first one, just above the header again, is that title, not a record.
    repeats = {i for i, row in enumerate(table.rows) if row and row[0].strip().lstrip("\ufeff").lower() == header_first
               and [norm_header(c) for c in row[:len(header_keys_row)]] == header_keys_row}
    titles = {i - 1 for i in repeats if i and _only_first_cell(table.rows[i - 1])}
    problems: list[Problem] = []
    kept: list[tuple[int, dict]] = []
    kept_rows: list[tuple[int, list[str]]] = []
    rows_read = 0
    for n, (row, line) in enumerate(zip(table.rows, table.lines)):
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled or n in titles:
            continue
        first = filled[0].strip('"')
        if _FOOTER.match(first):
            break  # a Salesforce report footer: nothing after it is data
        if cells[0].lstrip("\ufeff").lower() == header_first and \
                [norm_header(c) for c in cells[:len(header_keys_row)]] == header_keys_row:
            continue  # the header again (files concatenated, or repeated on every printed page)
        if _SUMMARY_ROW.match(first):
            grouped = True
            carry.clear()
            continue  # a subtotal / total / count row of a report
        if len(filled) == 1 and (group := _GROUP_ROW.match(first)):
            grouped = True
            carry.clear()
            if group.group("label") and (match := _match(kind, group.group("label"))):
                group_values[match[0]] = group.group("value")
            continue
        if grouped and group_cols:
            row = list(row) + [""] * (len(group_cols) - len(row))
            for i in group_cols:
                if row[i].strip():
                    carry[i] = row[i]
                elif i in carry:
                    row[i] = carry[i]
        rows_read += 1
        if deleted is not None and deleted < len(row) and parse_bool(row[deleted]):
            problems.append(Problem(line, "record marked deleted (IsDeleted) in the export; skipped"))
            continue
        values = {f: value(row, f) for f in by_field}
        for f, v in group_values.items():
            if values.get(f) is None:
                values[f] = v
        kept.append((line, values))
        kept_rows.append((line, row))

    contact_cols = primary_contact_columns(table.header, cols) if kind == "crm_accounts" else {}
    contacts = [(line, {f: next((v for i in idx if i < len(row) and (v := identity.clean_text(row[i])) is not None),
                                None) for f, idx in contact_cols.items()}) for line, row in kept_rows] \
        if contact_cols else []
    date_fields = {"renewal_date", "last_activity", "close_date"} & (set(by_field) | set(group_values))
    # Pipedrive's "Affaire - Date de clôture prévue": the field part says the language too.
    localised = bool({k for h in table.header for k in header_keys(kind, h)} & _LOCALISED_HEADERS)
    parsed_dates = {f: parse_dates([r.get(f) for _, r in kept], dayfirst=True if decimal_comma or localised else None)
                    for f in date_fields}
    records = []
    for n, (line, r) in enumerate(kept):
        rec = {"line": line}
        for f in date_fields:
            d = parsed_dates[f][n]
            if isinstance(d, str):
                problems.append(Problem(line, f"unreadable date {d!r} in {f.replace('_', ' ')}; kept without it"))
                d = None
            rec[f] = d
        for f in ("arr", "amount"):
            if r.get(f) is not None:
                # A workbook's number cell is exact: "1.234" there is 1.234, not a thousands group.
                plain = table.encoding == "xlsx" and re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", r[f])
                amount = float(r[f]) if plain else parse_amount(r[f], decimal_comma)
                if amount is None:
                    problems.append(Problem(line, f"unreadable amount {r[f]!r}; kept without it"))
                rec[f] = amount
        record = _shape(kind, r, rec, line, problems)
        if record is not None:
            records.append(record)
    row_contacts = None
    if kind == "crm_opportunities" and (people := _opportunity_people(table.header, cols)):
        records, row_contacts = _with_row_contacts(records, dict(kept_rows), people)
    frame = pd.DataFrame.from_records(records, columns=PARSED_COLUMNS[kind])
    frame = frame.astype(object).where(frame.notna(), None)  # None, not NaN, for empty cells
    layout = vendor or guess_vendor(table.header)
    return ParsedFile(path=path, kind=kind, layout=layout, frame=frame, content_hash=content_hash,
                      rows_read=rows_read, problems=problems,
                      contacts=row_contacts if row_contacts is not None else _primary_contacts(contacts, records))


_RECORD_ID = re.compile(r"\s*\(\d{3,}\)$")  # HubSpot's "Acme (5512)": a name followed by its record id
_BARE_SEMICOLON = re.compile(r"(?<!\s);(?!\s)")  # how HubSpot joins values: no space either side


def _parts(text: str, separator: re.Pattern | str = ";") -> list[str]:
    return [p.strip() for p in (separator.split(text) if isinstance(separator, re.Pattern) else text.split(separator))
            if p.strip()]


def first_association(names: object, ids: object = None) -> tuple[str | None, str | None]:
    """The first association of a cell that may hold several, as ``(name, id)``, the name without
    a trailing record id.

    HubSpot joins the records associated with one row with ``;`` (``Kestrel Labs;Kestrel Holdings``
    beside ``Associated Company IDs`` ``551;552``), but a company may have ``;`` in its name
    (``Smith; Jones & Co``). So the name cell is split only when the file itself shows several
    values: as many ids as name parts, or a part carrying its record id (``Acme (5512);Globex``).
    One id means one company, ``;`` and all. Without either sign the cell is kept whole here; the
    importer splits it when every part is a company it knows or HubSpot's bare ``;`` joins them
    (``importer._single_accounts``).

    >>> first_association("Kestrel Labs;Kestrel Holdings", "551;552")
    ('Kestrel Labs', '551')
    >>> first_association("Smith; Jones & Co", "553"), first_association("Smith; Jones & Co")
    (('Smith; Jones & Co', '553'), ('Smith; Jones & Co', None))
    >>> first_association("Acme (551203);Globex"), first_association(";Initech")
    (('Acme', None), ('Initech', None))
    """
    raw_ids = identity.clean_text(ids)
    id_parts = _parts(raw_ids) if raw_ids else []
    first_id = clean_id(id_parts[0]) if id_parts else None
    raw = identity.clean_text(names)
    if raw is None:
        return None, first_id
    parts = _parts(raw)
    if len(parts) <= 1 or len(id_parts) == 1:
        name = parts[0] if len(parts) == 1 else raw
    elif len(parts) == len(id_parts) or any(_RECORD_ID.search(p) for p in parts):
        name = parts[0]
    elif len(id_parts) > 1 and len(bare := _parts(raw, _BARE_SEMICOLON)) == len(id_parts):
        name = bare[0]  # several associations, one of them with a "; " in its name
    else:
        name = raw
    return identity.clean_text(_RECORD_ID.sub("", name)), first_id


_EMAIL_IN_TEXT = re.compile(r"[^@\s<>;,\"'()\[\]]+@[^@\s<>;,\"'()\[\]]+\.[^@\s<>;,\"'()\[\]]+")


def first_email(text: object) -> str | None:
    """The email address of a cell, or the first of several (Attio's "Email addresses",
    Freshsales' "Emails", ``Ama Boateng <ama@x.example>``).

    >>> first_email("ama@x.example; ama.b@y.example"), first_email("Ama <Ama@X.example>"), first_email("n/a")
    ('ama@x.example', 'ama@x.example', None)
    """
    if (email := identity.normalise_email(text)) is not None:
        return email
    found = _EMAIL_IN_TEXT.search(identity.clean_text(text) or "")
    return identity.normalise_email(found.group(0)) if found else None


def first_domain(text: object) -> str | None:
    """The domain of a website cell, or the first of several (Attio's "Domains": ``a.example, b.example``)."""
    raw = identity.clean_text(text) or ""
    if not re.search(r"[,;]\s*\S", raw):
        return identity.normalise_domain(raw)
    return next((d for part in re.split(r"[,;\s]+", raw) if (d := identity.normalise_domain(part))), None)


def _opportunity_status(text: object) -> tuple[bool | None, bool | None]:
    """(won, closed) from a status or stage cell: Pipedrive's ``won``/``lost``/``open``, Dynamics'
    ``Won``, or a stage in another language (``Abgeschlossen und gewonnen``, ``Fermée perdue``)."""
    key = identity.fold(identity.clean_text(text) or "")
    if not key:
        return None, None
    if re.search(r"\b(won|gewonnen|gagnee?|ganad[ao]|vint[ao]|ganh[ao])\b", key):
        return True, True
    if re.search(r"\b(lost|verloren|perdue?|perdid[ao]|pers[ao]|abandoned|cancell?ed|closed|dead|disqualified|"
                 r"abgeschlossen|fermee?|cerrad[ao]|chius[ao])\b", key):
        return False, True
    if re.search(r"\b(open|active|in progress)\b", key):
        return False, False
    return None, None


def _only_first_cell(row: list[str]) -> bool:
    """True for a row whose first cell is its only filled one."""
    return bool(row) and bool(row[0].strip()) and not any(c.strip() for c in row[1:])


def _is_report_row(row: list[str]) -> bool:
    """A subtotal/total row or a group header row of a grouped report."""
    filled = [c.strip() for c in row if c.strip()]
    if not filled:
        return False
    first = filled[0].strip('"')
    return bool(_SUMMARY_ROW.match(first)) or (len(filled) == 1 and bool(_GROUP_ROW.match(first))
                                              and not _FOOTER.match(first))


def _shape(kind: str, r: dict, rec: dict, line: int, problems: list[Problem]) -> dict | None:
    rec["external_id"] = clean_id(r.get("external_id"))
    rec["owner"] = clean_owner(r.get("owner"))
    if kind == "crm_accounts":
        if not r.get("name"):
            problems.append(Problem(line, "row has no account name; skipped"))
            return None
        rec.update(name=r["name"], domain=first_domain(r.get("domain")),
                   status=normalise_status(r.get("status")))
    elif kind == "crm_contacts":
        first, last = r.get("first_name"), r.get("last_name")
        if not first and not last:
            first, last = split_name(r.get("full_name"))
        email = first_email(r.get("email"))
        # Some CRMs copy the email address into a name field when a contact has no name.
        if first and identity.normalise_email(first):
            email, first = email or identity.normalise_email(first), None
            last = None if last and len(last) == 1 else last  # HubSpot's one-letter filler
        if last and identity.normalise_email(last):
            email, last = email or identity.normalise_email(last), None
        if not first and not last and not email:
            problems.append(Problem(line, "row has no contact name or email; skipped"))
            return None
        account_name, account_id = first_association(r.get("account_name"), r.get("account_external_id"))
        rec.update(first_name=first, last_name=last, email=email, title=r.get("title"),
                   account_name=account_name, account_external_id=account_id,
                   role=normalise_role(r.get("role")))
    else:
        if not r.get("name"):
            problems.append(Problem(line, "row has no opportunity name; skipped"))
            return None
        stage = r.get("stage")
        won, closed = parse_bool(r.get("is_won")), parse_bool(r.get("is_closed"))
        status_won, status_closed = _opportunity_status(r.get("status"))
        stage_won, stage_closed = _opportunity_status(stage)
        stage_key = norm_header(stage)
        if won is None:
            won = status_won if status_won is not None else \
                stage_key in {"closedwon", "won", "dealwon"} or bool(stage_won)
        if closed is None:
            closed = status_closed if status_closed is not None else \
                won or stage_key.startswith("closed") or stage_key in {"lost", "deallost"} or bool(stage_closed)
        account_name, account_id = first_association(r.get("account_name"), r.get("account_external_id"))
        rec.update(name=r["name"], account_name=account_name, account_external_id=account_id,
                   stage=stage or r.get("status"),
                   is_closed=bool(closed or won), is_won=bool(won),
                   contact_roles=parse_contact_roles(r.get("contact_roles")))
    return rec


def guess_vendor(header: list[str]) -> str:
    """Which CRM (or address book, or lead list) wrote a header: salesforce-export, salesforce,
    hubspot, zoho, apollo, pipedrive, dynamics, close, copper, monday, attio, freshsales, salesloft,
    google-contacts, yahoo, outlook, sales-navigator or mapped.

    >>> guess_vendor(["Deal - ID", "Deal - Title"]), guess_vendor(["(Do Not Modify) Contact", "Full Name"])
    ('pipedrive', 'dynamics')
    >>> guess_vendor(["Record ID", "Record", "Name", "Domains", "Strongest connection user"])
    'attio'
    """
    normed = [norm_header(h) for h in header]
    text = [str(h or "").strip().lower() for h in header]
    if {"strongestconnectionstrength", "strongestconnectionuser"} & set(normed):
        return "attio"  # before HubSpot: Attio's first column is "Record ID" too
    if {"fileas", "phoneticfirstname", "yominame", "givennameyomi"} & set(normed) or \
            any(t.startswith("e-mail 1 - ") for t in text):
        return "google-contacts"
    if {"yahoophone", "yahooid"} & set(normed):
        return "yahoo"
    if {"businessstreet", "email2address"} <= set(normed):
        return "outlook"  # Outlook's address book (and Google's "Outlook CSV" export)
    if {"vmid", "defaultprofileurl", "salesnavigatorurl"} & set(normed) or \
            {"profileurl", "sharedconnectionscount"} <= set(normed):
        return "sales-navigator"  # a Sales Navigator search or lead list (PhantomBuster, Evaboot)
    first = str(header[0]).strip().lstrip("\ufeff") if header else ""
    if any(h.startswith("zcrm") for h in header) or first == "Record Id" or \
            {"createdtime", "lastactivitytime", "modifiedtime", "billingcode"} & set(normed):
        return "zoho"  # before HubSpot: Zoho's first column is "Record Id" (HubSpot's "Record ID")
    if normed and normed[0].startswith("recordid"):
        return "hubspot"
    if {"apollocontactid", "apolloaccountid", "companynameforemails"} & set(normed):
        return "apollo"
    if any(t.startswith("(do not modify)") for t in text):
        return "dynamics"
    if any(re.match(r"^(deal|person|organization|organisation|affaire|personne|negocio|pessoa|organizacao|trato|"
                    r"persona|organizacion) [-\u2013] ",
                    identity.fold(t)) for t in text) or "contactperson" in normed:
        return "pipedrive"
    if {"displayname", "statuslabel", "leadname"} & set(normed) or any(t.startswith("primary_contact_") for t in text):
        return "close"
    if "ownedby" in normed:
        return "copper"
    if {"subitems", "itemidautogenerated"} & set(normed):
        return "monday"
    if {"accountid", "stagename", "firstname", "iswon", "ownerid"} & set(normed) and \
            any(h in ("Id", "AccountId", "FirstName", "StageName", "OwnerId") for h in header):
        return "salesforce-export"
    if "salesowner" in normed:
        return "freshsales"  # Freshsales names every record's owner "Sales owner"
    if "personstage" in normed:
        return "salesloft"  # Salesloft's people export ("Account: Name", "Owner: Name", "Person Stage")
    if {"accountname", "opportunityname", "accountowner", "contactrole", "opportunityowner", "companyaccount",
            "leadowner", "contactowner"} & set(normed):
        return "salesforce"
    return "mapped"

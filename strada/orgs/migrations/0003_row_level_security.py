"""Row-level security on PostgreSQL: the case-plane tables show and accept only the rows of the
organisation the connection is scoped to (``strada.orgs.rls``). Nothing happens on SQLite.

``strada_scope()`` reads the connection's setting ``strada.org``: NULL when it is unset or empty
(the system: commands, tasks, migrations), else an organisation's id, or the nil UUID (a person of no
organisation holding cases: nothing is visible). Each policy reads it once per statement (the
``(SELECT ...)`` form makes it an InitPlan), so a policy costs a comparison per row.

Each condition is written ``(CASE WHEN <condition> THEN true END) IS NOT NULL`` for the planner's
sake, not for its meaning (the same rows pass). The bare condition repeats the pages' own
``organisation_id = …``, and the planner takes the two for independent: it under-estimated an
organisation's rows by that organisation's share of the network (20 organisations: 20 times) and
then sorted all of them for a page instead of walking the index in order. It estimates
``IS NOT NULL`` of an expression at 99.5 % of the rows, which leaves the pages' plans as they were.

FORCE: Strada's role owns its tables, and owners skip row-level security unless it is forced.
Superusers and BYPASSRLS roles always skip it (docs/operations.md).
"""

from django.db import migrations

SCOPE = "(SELECT strada_scope())"
SYSTEM = f"{SCOPE} IS NULL"
NO_ORGANISATION = "'00000000-0000-0000-0000-000000000000'::uuid"


def _any_of(*conditions: str) -> str:
    condition = " OR ".join([SYSTEM, *conditions])
    return f"((CASE WHEN {condition} THEN true END) IS NOT NULL)"


def _own(*columns: str) -> str:
    return _any_of(*(f"{column} = {SCOPE}" for column in columns))


def _case_visible(table: str) -> str:
    # The case's own policy applies inside the subquery: the part is visible with its case.
    return _any_of(f"EXISTS (SELECT 1 FROM cases_case c WHERE c.id = {table}.case_id)")


# (table, policy, command, USING, WITH CHECK)
POLICIES = [
    # Rows that name their organisation.
    ("clients_client", "strada_tenant", "ALL", _own("organisation_id"), _own("organisation_id")),
    ("clients_consent", "strada_tenant", "ALL", _own("organisation_id"), _own("organisation_id")),
    # A referral consent is also read (only) by the referral's receiver, whose page shows the basis
    # it was sent on; the purpose is tested first, so that other consents pay no lookup (and
    # PostgreSQL tries the policies in name order: the organisation's own rows pass first).
    ("clients_consent", "strada_via_referral", "SELECT", _any_of(
        "(clients_consent.purpose = 'referral' AND EXISTS (SELECT 1 FROM referrals_referral r "
        "WHERE r.consent_id = clients_consent.id))"
    ), None),
    ("clients_searchtoken", "strada_tenant", "ALL", _own("organisation_id"), _own("organisation_id")),
    ("cases_case", "strada_tenant", "ALL", _own("organisation_id"), _own("organisation_id")),
    ("sharing_importjob", "strada_tenant", "ALL", _own("organisation_id"), _own("organisation_id")),
    # The free text of a case (notes, plan objectives) goes with its case.
    ("cases_casenote", "strada_tenant", "ALL", _case_visible("cases_casenote"),
     _case_visible("cases_casenote")),
    ("cases_supportplan", "strada_tenant", "ALL", _case_visible("cases_supportplan"),
     _case_visible("cases_supportplan")),
    # A referral is seen and answered by both ends, sent (and deleted) by the sender only.
    ("referrals_referral", "strada_read", "SELECT", _own("sender_id", "recipient_id"), None),
    ("referrals_referral", "strada_send", "INSERT", None, _own("sender_id")),
    ("referrals_referral", "strada_answer", "UPDATE", _own("sender_id", "recipient_id"),
     _own("sender_id", "recipient_id")),
    ("referrals_referral", "strada_delete", "DELETE", _own("sender_id"), None),
    # A duplicate alert belongs to both sides.
    ("referrals_duplicatealert", "strada_tenant", "ALL", _own("org_a_id", "org_b_id"),
     _own("org_a_id", "org_b_id")),
    # Linkage tokens are compared across organisations by design (referrals.duplicates): every
    # organisation holding cases reads them all; each writes its own only.
    ("referrals_linkagetoken", "strada_compare", "SELECT",
     _any_of(f"{SCOPE} <> {NO_ORGANISATION}"), None),
    ("referrals_linkagetoken", "strada_own_insert", "INSERT", None, _own("organisation_id")),
    ("referrals_linkagetoken", "strada_own_update", "UPDATE", _own("organisation_id"),
     _own("organisation_id")),
    ("referrals_linkagetoken", "strada_own_delete", "DELETE", _own("organisation_id"), None),
]  # fmt: skip

TABLES = sorted({table for table, *_rest in POLICIES})

FUNCTION = """
CREATE OR REPLACE FUNCTION strada_scope() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('strada.org', true), '')::uuid $$
"""


def _create(table: str, name: str, command: str, using: str | None, check: str | None) -> str:
    sql = f"CREATE POLICY {name} ON {table} AS PERMISSIVE FOR {command} TO PUBLIC"
    if using:
        sql += f" USING {using}"
    if check:
        sql += f" WITH CHECK {check}"
    return sql


def enable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for policy in POLICIES:
        schema_editor.execute(_create(*policy))


def disable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, *_rest in POLICIES:
        schema_editor.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    schema_editor.execute("DROP FUNCTION IF EXISTS strada_scope()")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_organisation_linkage_enabled"),
        ("clients", "0004_consent_organisation_citizenship_tokens"),
        ("cases", "0001_initial"),
        ("referrals", "0001_initial"),
        ("sharing", "0001_initial"),
    ]

    operations = [migrations.RunPython(enable, disable, elidable=False)]

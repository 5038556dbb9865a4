-- RoutingCore budget ledger schema (PostgreSQL 13+). Idempotent: safe to run on every start and from several
-- instances at once (PostgresBudgetLedger.EnsureSchemaAsync wraps it in a transaction-scoped advisory lock).
-- Money is numeric (exact). Every statement the ledger runs is parameterised; these functions are its only writers.

CREATE TABLE IF NOT EXISTS routingcore_budgets (
    key          text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 256),
    limit_usd    numeric     NULL CHECK (limit_usd >= 0),
    period       text        NOT NULL DEFAULT 'none' CHECK (period IN ('none', 'day', 'month')),
    period_start timestamptz NOT NULL,
    spent_usd    numeric     NOT NULL DEFAULT 0 CHECK (spent_usd >= 0)
);

CREATE TABLE IF NOT EXISTS routingcore_budget_reservations (
    id         uuid        PRIMARY KEY,
    key        text        NOT NULL REFERENCES routingcore_budgets (key) ON DELETE CASCADE,
    amount_usd numeric     NOT NULL CHECK (amount_usd >= 0),
    expires_at timestamptz NOT NULL,
    state      smallint    NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2, 3)), -- 0 reserved, 1 settled, 2 released, 3 expired
    actual_usd numeric     NULL CHECK (actual_usd >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS routingcore_budget_reservations_open ON routingcore_budget_reservations (key, expires_at) WHERE state = 0;

-- The start of the period containing p_now (UTC).
CREATE OR REPLACE FUNCTION routingcore_period_start(p_period text, p_now timestamptz, p_since timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_period
        WHEN 'day'   THEN date_trunc('day',   p_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        WHEN 'month' THEN date_trunc('month', p_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        ELSE p_since END
$$;

-- Reserve: the key's row is locked (FOR UPDATE) for the decision, so concurrent reservations on one key from any
-- number of instances are serialised by the database; the grant is spent + live reservations + amount <= limit.
CREATE OR REPLACE FUNCTION routingcore_reserve(p_key text, p_id uuid, p_amount numeric, p_ttl interval)
RETURNS TABLE (granted boolean, remaining numeric, expires_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
    b          routingcore_budgets%ROWTYPE;
    v_now      timestamptz := clock_timestamp();
    v_start    timestamptz;
    v_reserved numeric;
BEGIN
    INSERT INTO routingcore_budgets (key, period_start) VALUES (p_key, v_now) ON CONFLICT (key) DO NOTHING;
    SELECT * INTO b FROM routingcore_budgets WHERE routingcore_budgets.key = p_key FOR UPDATE;
    v_start := routingcore_period_start(b.period, v_now, b.period_start);
    IF v_start > b.period_start THEN
        UPDATE routingcore_budgets SET spent_usd = 0, period_start = v_start WHERE routingcore_budgets.key = p_key;
        b.spent_usd := 0;
    END IF;
    SELECT coalesce(sum(r.amount_usd), 0) INTO v_reserved FROM routingcore_budget_reservations r
        WHERE r.key = p_key AND r.state = 0 AND r.expires_at > v_now;
    IF b.limit_usd IS NOT NULL AND b.spent_usd + v_reserved + p_amount > b.limit_usd THEN
        RETURN QUERY SELECT false, greatest(b.limit_usd - b.spent_usd - v_reserved, 0), v_now;
        RETURN;
    END IF;
    INSERT INTO routingcore_budget_reservations (id, key, amount_usd, expires_at) VALUES (p_id, p_key, p_amount, v_now + p_ttl);
    RETURN QUERY SELECT true, b.limit_usd - b.spent_usd - v_reserved - p_amount, v_now + p_ttl;
END
$$;

-- Settle (p_actual not null) or release (null): only a live reservation changes, exactly once; the key's row is
-- locked first, in the same order as routingcore_reserve, so the two never deadlock.
CREATE OR REPLACE FUNCTION routingcore_close(p_key text, p_id uuid, p_actual numeric)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    b       routingcore_budgets%ROWTYPE;
    v_now   timestamptz := clock_timestamp();
    v_start timestamptz;
    v_rows  integer;
BEGIN
    SELECT * INTO b FROM routingcore_budgets WHERE routingcore_budgets.key = p_key FOR UPDATE;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE routingcore_budget_reservations r
        SET state = CASE WHEN p_actual IS NULL THEN 2 ELSE 1 END, actual_usd = p_actual
        WHERE r.id = p_id AND r.key = p_key AND r.state = 0 AND r.expires_at > v_now;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN RETURN false; END IF;
    IF p_actual IS NOT NULL THEN
        v_start := routingcore_period_start(b.period, v_now, b.period_start);
        IF v_start > b.period_start THEN
            UPDATE routingcore_budgets SET spent_usd = p_actual, period_start = v_start WHERE routingcore_budgets.key = p_key;
        ELSE
            UPDATE routingcore_budgets SET spent_usd = spent_usd + p_actual WHERE routingcore_budgets.key = p_key;
        END IF;
    END IF;
    RETURN true;
END
$$;

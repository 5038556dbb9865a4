using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace RoutingCore.Budgets.Postgres;

/// <summary>
/// A budget ledger on PostgreSQL, shared by every gateway instance that points at the same database (spec R-BUD-*).
/// Each operation is one round trip to a function of the shipped schema (<c>schema.sql</c>): the key's row lock makes
/// reservations atomic across instances, with no read-modify-write in the client and no home-made locking. Time is
/// the database's clock, so instances with skewed clocks still agree on expiry and periods.
/// </summary>
public sealed class PostgresBudgetLedger : IBudgetLedger
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _ttl;
    private readonly BudgetOptions _options;

    /// <summary>Creates a ledger over a data source (which owns the connection pool).</summary>
    public PostgresBudgetLedger(NpgsqlDataSource dataSource, IOptions<BudgetOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        BudgetOptions.Validate(_options);
        _dataSource = dataSource;
        _ttl = _options.ReservationTtl;
    }

    /// <summary>The schema script (idempotent), as shipped in the package.</summary>
    public static string SchemaSql()
    {
        using var stream = typeof(PostgresBudgetLedger).Assembly.GetManifestResourceStream("RoutingCore.Budgets.Postgres.schema.sql")
            ?? throw new InvalidOperationException("The schema resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Installs or updates the schema (idempotent; concurrent callers are serialised by a transaction-scoped advisory
    /// lock) and applies the limits from <see cref="BudgetOptions.Keys"/>.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 0x526F7574696E67 }); // "Routing"
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var schema = new NpgsqlCommand(SchemaSql(), connection, tx))
            {
                await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (key, limit) in _options.Keys)
        {
            if (limit.LimitUsd is { } usd) await SetLimitAsync(key, usd, limit.Period, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        BudgetArguments.CheckAmount(estimatedUsd, nameof(estimatedUsd));
        var id = Guid.NewGuid();
        await using var command = _dataSource.CreateCommand("SELECT granted, remaining, expires_at FROM routingcore_reserve($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = estimatedUsd, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _ttl, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) throw new InvalidOperationException("routingcore_reserve returned no row.");
        bool granted = reader.GetBoolean(0);
        decimal? remaining = reader.IsDBNull(1) ? null : reader.GetDecimal(1);
        var expires = reader.GetFieldValue<DateTimeOffset>(2);
        return new BudgetReservation(granted, granted ? id : Guid.Empty, key, estimatedUsd, remaining, expires);
    }

    /// <inheritdoc/>
    public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckAmount(actualUsd, nameof(actualUsd));
        return CloseAsync(reservation, actualUsd, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) =>
        CloseAsync(reservation, null, cancellationToken);

    private async ValueTask<bool> CloseAsync(BudgetReservation reservation, decimal? actual, CancellationToken cancellationToken)
    {
        if (!reservation.Granted || reservation.Key is null) return false;
        await using var command = _dataSource.CreateCommand("SELECT routingcore_close($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reservation.Key, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = reservation.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = actual is { } a ? a : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is true;
    }

    /// <inheritdoc/>
    public async ValueTask<BudgetStatus> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        // One statement, one snapshot: spent and reserved are read consistently with each other.
        await using var command = _dataSource.CreateCommand("""
            SELECT b.limit_usd,
                   CASE WHEN routingcore_period_start(b.period, clock_timestamp(), b.period_start) > b.period_start THEN 0 ELSE b.spent_usd END,
                   coalesce((SELECT sum(r.amount_usd) FROM routingcore_budget_reservations r
                             WHERE r.key = b.key AND r.state = 0 AND r.expires_at > clock_timestamp()), 0),
                   routingcore_period_start(b.period, clock_timestamp(), b.period_start),
                   b.period
            FROM routingcore_budgets b WHERE b.key = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return new BudgetStatus(null, 0, 0, DateTimeOffset.MinValue, BudgetPeriod.None);
        return new BudgetStatus(reader.IsDBNull(0) ? null : reader.GetDecimal(0), reader.GetDecimal(1), reader.GetDecimal(2),
            reader.GetFieldValue<DateTimeOffset>(3), ParsePeriod(reader.GetString(4)));
    }

    /// <inheritdoc/>
    public async ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        BudgetArguments.CheckAmount(limitUsd, nameof(limitUsd));
        string name = period switch
        {
            BudgetPeriod.None => "none", BudgetPeriod.Day => "day", BudgetPeriod.Month => "month",
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
        };
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO routingcore_budgets AS b (key, limit_usd, period, period_start)
            VALUES ($1, $2, $3, routingcore_period_start($3, clock_timestamp(), clock_timestamp()))
            ON CONFLICT (key) DO UPDATE SET limit_usd = EXCLUDED.limit_usd,
                period = EXCLUDED.period,
                period_start = CASE WHEN b.period = EXCLUDED.period THEN b.period_start ELSE EXCLUDED.period_start END,
                spent_usd = CASE WHEN b.period = EXCLUDED.period THEN b.spent_usd ELSE 0 END
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = limitUsd, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static BudgetPeriod ParsePeriod(string name) => name switch
    {
        "day" => BudgetPeriod.Day,
        "month" => BudgetPeriod.Month,
        _ => BudgetPeriod.None,
    };
}

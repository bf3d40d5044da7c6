namespace Darkstar.Storage;

/// <summary>One forward-only step of the schema. Versions are 1, 2, 3, ... and are never edited once released.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Every migration the code knows, in order: the one place the schema is written down.
/// Conventions: instants are TEXT <c>yyyy-MM-ddTHH:mm:ssZ</c> (UTC), days TEXT <c>yyyy-MM-dd</c>,
/// energies REAL kWh (<c>*_kwh</c>), state of charge REAL percent (<c>*_percent</c>), prices REAL in the
/// home's currency per kWh (<c>*_price</c>), booleans INTEGER 0/1. A missing measurement is NULL.
/// Slot-keyed tables are WITHOUT ROWID: their key is the data, and lookups go straight to it.
/// A secondary index on such a table needs SQLite 3.53 or later: 3.35.5 (bundled until SQLitePCLRaw 3) answered the
/// latest-issue query (a correlated <c>MAX(issued_at)</c> with a bound on <c>issued_at</c>) wrongly when it planned it
/// through one, which is why migration 1 lost <c>ix_slot_forecasts_slot_start</c> and migration 4 restores it. Tests pin
/// both the one such index there is and the query planned through it.
/// </summary>
public static class Migrations
{
    // GLOB patterns that keep every key in the one text form, so text comparison is time comparison.
    private const string InstantGlob = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'";
    private const string DayGlob = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", $$"""
            CREATE TABLE sensor_totals (
                role            TEXT NOT NULL PRIMARY KEY,
                entity_id       TEXT NOT NULL,
                last_value      REAL NOT NULL,
                unit            TEXT,
                last_reading_at TEXT NOT NULL CHECK (last_reading_at GLOB {{InstantGlob}}),
                updated_at      TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE slot_observations (
                slot_start            TEXT NOT NULL PRIMARY KEY CHECK (slot_start GLOB {{InstantGlob}}),
                import_kwh            REAL,
                export_kwh            REAL,
                pv_kwh                REAL,
                load_kwh              REAL,
                water_kwh             REAL,
                battery_charge_kwh    REAL,
                battery_discharge_kwh REAL,
                soc_start_percent     REAL,
                soc_end_percent       REAL,
                import_price          REAL,
                export_price          REAL,
                quality_flags         INTEGER NOT NULL DEFAULT 0 CHECK (quality_flags >= 0)
            ) WITHOUT ROWID;

            CREATE TABLE prices (
                slot_start   TEXT NOT NULL PRIMARY KEY CHECK (slot_start GLOB {{InstantGlob}}),
                spot_price   REAL,
                import_price REAL NOT NULL,
                export_price REAL NOT NULL,
                source       TEXT NOT NULL,
                fetched_at   TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE weather (
                slot_start               TEXT NOT NULL CHECK (slot_start GLOB {{InstantGlob}}),
                kind                     TEXT NOT NULL CHECK (kind IN ('observed', 'forecast')),
                issued_at                TEXT NOT NULL CHECK (issued_at GLOB {{InstantGlob}}),
                temperature_c            REAL,
                cloud_cover_percent      REAL CHECK (cloud_cover_percent BETWEEN 0 AND 100),
                shortwave_radiation_w_m2 REAL,
                source                   TEXT NOT NULL,
                PRIMARY KEY (slot_start, kind, issued_at),
                CHECK (kind = 'forecast' OR issued_at = slot_start)
            ) WITHOUT ROWID;

            CREATE TABLE data_quality_daily (
                day                 TEXT NOT NULL PRIMARY KEY CHECK (day GLOB {{DayGlob}}),
                status              TEXT NOT NULL CHECK (status IN ('clean', 'mask_battery', 'exclude')),
                reason              TEXT,
                expected_slot_count INTEGER NOT NULL CHECK (expected_slot_count >= 0),
                observed_slot_count INTEGER NOT NULL CHECK (observed_slot_count >= 0),
                flagged_slot_count  INTEGER NOT NULL CHECK (flagged_slot_count >= 0),
                updated_at          TEXT NOT NULL
            ) WITHOUT ROWID;

            -- The key leads with the version and the slot, so "the latest issue at or before T for version V
            -- over a slot range" is a range scan plus a MAX(issued_at) seek per slot on the primary key.
            CREATE TABLE slot_forecasts (
                slot_start       TEXT NOT NULL CHECK (slot_start GLOB {{InstantGlob}}),
                forecast_version TEXT NOT NULL,
                issued_at        TEXT NOT NULL CHECK (issued_at GLOB {{InstantGlob}}),
                load_p10_kwh     REAL NOT NULL,
                load_p50_kwh     REAL NOT NULL,
                load_p90_kwh     REAL NOT NULL,
                pv_p10_kwh       REAL NOT NULL,
                pv_p50_kwh       REAL NOT NULL,
                pv_p90_kwh       REAL NOT NULL,
                PRIMARY KEY (forecast_version, slot_start, issued_at)
            ) WITHOUT ROWID;

            CREATE TABLE model_runs (
                id                   INTEGER PRIMARY KEY AUTOINCREMENT,
                version              TEXT NOT NULL UNIQUE,
                target               TEXT NOT NULL,
                trained_at           TEXT NOT NULL,
                window_start         TEXT NOT NULL,
                window_end           TEXT NOT NULL,
                features_json        TEXT NOT NULL,
                hyperparameters_json TEXT NOT NULL,
                metrics_json         TEXT,
                artifact_path        TEXT,
                status               TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                CHECK (window_start <= window_end)
            );

            CREATE INDEX ix_model_runs_trained_at ON model_runs (trained_at);

            CREATE TABLE plans (
                id                  INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at          TEXT NOT NULL,
                horizon_start       TEXT NOT NULL CHECK (horizon_start GLOB {{InstantGlob}}),
                horizon_end         TEXT NOT NULL CHECK (horizon_end GLOB {{InstantGlob}}),
                slot_count          INTEGER NOT NULL CHECK (slot_count >= 0),
                forecast_version    TEXT NOT NULL,
                solver_status       TEXT NOT NULL,
                solve_ms            REAL NOT NULL CHECK (solve_ms >= 0),
                objective           REAL,
                initial_soc_percent REAL NOT NULL,
                CHECK (horizon_start <= horizon_end)
            );

            CREATE INDEX ix_plans_created_at ON plans (created_at);

            CREATE TABLE slot_plans (
                plan_id            INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
                slot_start         TEXT NOT NULL CHECK (slot_start GLOB {{InstantGlob}}),
                charge_kwh         REAL NOT NULL,
                discharge_kwh      REAL NOT NULL,
                import_kwh         REAL NOT NULL,
                export_kwh         REAL NOT NULL,
                curtail_kwh        REAL NOT NULL,
                water_kwh          REAL NOT NULL,
                shed_kwh           REAL NOT NULL,
                soc_end_percent    REAL NOT NULL,
                water_on           INTEGER NOT NULL CHECK (water_on IN (0, 1)),
                import_price       REAL NOT NULL,
                export_price       REAL NOT NULL,
                cost               REAL NOT NULL,
                action             TEXT NOT NULL CHECK (action IN ('charge', 'discharge', 'hold', 'export', 'idle')),
                PRIMARY KEY (plan_id, slot_start)
            ) WITHOUT ROWID;

            CREATE TABLE execution_log (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                executed_at      TEXT NOT NULL,
                slot_start       TEXT NOT NULL CHECK (slot_start GLOB {{InstantGlob}}),
                plan_id          INTEGER REFERENCES plans (id) ON DELETE SET NULL,
                planned_action   TEXT,
                commanded_action TEXT,
                entity_id        TEXT,
                service          TEXT,
                value            TEXT,
                success          INTEGER NOT NULL CHECK (success IN (0, 1)),
                duration_ms      REAL NOT NULL CHECK (duration_ms >= 0),
                override_mode    TEXT,
                shadow           INTEGER NOT NULL CHECK (shadow IN (0, 1)),
                error            TEXT
            );

            CREATE INDEX ix_execution_log_executed_at ON execution_log (executed_at);
            CREATE INDEX ix_execution_log_slot_start ON execution_log (slot_start);
            CREATE INDEX ix_execution_log_plan_id ON execution_log (plan_id);

            CREATE TABLE oracle_daily_results (
                day                      TEXT NOT NULL PRIMARY KEY CHECK (day GLOB {{DayGlob}}),
                oracle_cost              REAL NOT NULL,
                oracle_import_cost       REAL NOT NULL,
                oracle_export_revenue    REAL NOT NULL,
                oracle_battery_wear_cost REAL NOT NULL,
                mpc_cost                 REAL,
                no_battery_cost          REAL,
                self_consumption_cost    REAL,
                regret                   REAL,
                breakdown_json           TEXT,
                computed_at              TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE training_episodes (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                day            TEXT NOT NULL CHECK (day GLOB {{DayGlob}}),
                system_id      TEXT NOT NULL,
                plan_id        INTEGER REFERENCES plans (id) ON DELETE SET NULL,
                created_at     TEXT NOT NULL,
                inputs_json    TEXT NOT NULL,
                decisions_json TEXT NOT NULL,
                metrics_json   TEXT
            );

            CREATE INDEX ix_training_episodes_day ON training_episodes (system_id, day);
            CREATE INDEX ix_training_episodes_plan_id ON training_episodes (plan_id);

            CREATE TABLE antares_training_runs (
                id                   INTEGER PRIMARY KEY AUTOINCREMENT,
                started_at           TEXT NOT NULL,
                finished_at          TEXT,
                dataset_version      TEXT NOT NULL,
                window_start_day     TEXT NOT NULL CHECK (window_start_day GLOB {{DayGlob}}),
                window_end_day       TEXT NOT NULL CHECK (window_end_day GLOB {{DayGlob}}),
                model_type           TEXT NOT NULL,
                targets_json         TEXT NOT NULL,
                hyperparameters_json TEXT NOT NULL,
                metrics_json         TEXT,
                artifact_path        TEXT,
                status               TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                CHECK (window_start_day <= window_end_day)
            );

            CREATE INDEX ix_antares_training_runs_started_at ON antares_training_runs (started_at);
            """),
        // The values a user sets through Darkstar's own MQTT controls (switches, selects, numbers), so they
        // outlive a restart. Keys are the controls' stable ids; values are their MQTT state text.
        new(2, "user settings", """
            CREATE TABLE user_settings (
                key        TEXT NOT NULL PRIMARY KEY CHECK (length(key) > 0),
                value      TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        // Sub-meters inside the load that do not follow the house's daily rhythm: the electric car's charger and the
        // heat pump. Aurora builds its load references without them (a car charged on four evenings of seven is not the
        // house's evening) and models the heat pump from the temperature. NULL where a home has no such meter.
        new(3, "car charger and heat pump meters", """
            ALTER TABLE slot_observations ADD COLUMN ev_kwh REAL;
            ALTER TABLE slot_observations ADD COLUMN heat_pump_kwh REAL;
            """),
        // Reads of a slot range across forecast versions (what migration 1 first had it for). Re-checked on SQLite 3.53.4:
        // the latest-issue query, which the planner now takes through this index (its entries end in the key, so it covers
        // the query), returns the same rows as through the primary key; 3.35.5 returned the newest issue for a cutoff before
        // it and nothing for a cutoff after it.
        new(4, "forecasts by slot", """
            CREATE INDEX ix_slot_forecasts_slot_start ON slot_forecasts (slot_start);
            """),
        // The executor's changes of mode (into and out of safe mode) as rows of their own, with the reason, so that the
        // web UI can show each safe-mode episode: when it began, when it ended and why. NULL on command rows.
        new(5, "executor mode changes", """
            ALTER TABLE execution_log ADD COLUMN mode TEXT;
            ALTER TABLE execution_log ADD COLUMN reason TEXT;
            """),
        // The studies started from the web UI's Lab (a replay, a what-if export): what was asked, how it went and the
        // result as the command line's JSON line, so that the page lists past runs with their results.
        new(6, "lab runs", """
            CREATE TABLE lab_runs (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                kind         TEXT NOT NULL CHECK (kind IN ('replay', 'lab_export')),
                request_json TEXT NOT NULL,
                status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
                started_at   TEXT NOT NULL,
                finished_at  TEXT,
                result_json  TEXT,
                error        TEXT
            );

            CREATE INDEX ix_lab_runs_started_at ON lab_runs (started_at);
            """),

        // A user's manual blocks (an action forced for a time range), kept across restarts until they end; and on each planned
        // slot the block's action it carries out, NULL where no block forces the slot.
        new(7, "manual blocks", """
            CREATE TABLE manual_blocks (
                id                 INTEGER PRIMARY KEY AUTOINCREMENT,
                action             TEXT NOT NULL CHECK (action IN ('charge', 'discharge', 'export', 'hold', 'water_heater')),
                start_at           TEXT NOT NULL,
                end_at             TEXT NOT NULL,
                target_soc_percent REAL,
                power_kw           REAL,
                energy_kwh         REAL,
                created_at         TEXT NOT NULL,
                CHECK (start_at < end_at)
            );

            CREATE INDEX ix_manual_blocks_end_at ON manual_blocks (end_at);

            ALTER TABLE slot_plans ADD COLUMN manual_block TEXT;
            """),

        // The car's planned charging per slot (car.*), which the executor switches the charger by. 0 without a car.
        new(8, "car charging in plans", """
            ALTER TABLE slot_plans ADD COLUMN car_kwh REAL NOT NULL DEFAULT 0;
            """),

        // Each flexible load's planned energy per slot (flexible_loads), which the executor switches each load by: a JSON
        // object of kWh by load name, e.g. {"dishwasher":0.45}; NULL where no flexible load runs. A column beside car_kwh
        // rather than a table of its own: the loads are read and removed with their slot, and retention stays one rule.
        new(9, "flexible loads in plans", """
            ALTER TABLE slot_plans ADD COLUMN flexible_load_kwh TEXT CHECK (flexible_load_kwh IS NULL OR json_valid(flexible_load_kwh));
            """),
    ];

    /// <summary>The newest schema version this code knows.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>The bookkeeping table itself, created before any migration runs so it can be read.</summary>
    internal const string CreateSchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER NOT NULL PRIMARY KEY CHECK (version > 0),
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;
}

//! The harness's own tables and triggers (in the chaos database only, never in a migration) and
//! the workflow sources it runs.
//!
//! The triggers write in the same transaction as the rhythm statement that fires them, so their
//! logs are exactly what committed: every transition of an execution into (or out of) a terminal
//! status, and every signal row inserted.

/// Statements that create the harness tables and triggers, run once after the migrations.
pub const SETUP: &[&str] = &[
    // One row per finished handler run (written by the handler just before it returns).
    r#"CREATE TABLE chaos_runs (
        run_id       uuid        PRIMARY KEY,
        execution_id text        NOT NULL,
        name         text        NOT NULL,
        attempt      integer     NOT NULL,
        worker_pid   integer     NOT NULL,
        outcome      text        NOT NULL,
        at           timestamptz NOT NULL DEFAULT clock_timestamp()
    )"#,
    "CREATE INDEX chaos_runs_execution ON chaos_runs (execution_id, attempt)",
    // Every committed change that leaves or enters a terminal status.
    r#"CREATE TABLE chaos_terminal (
        seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        execution_id text        NOT NULL,
        old_status   text,
        new_status   text        NOT NULL,
        output       jsonb,
        at           timestamptz NOT NULL DEFAULT clock_timestamp()
    )"#,
    r#"CREATE FUNCTION chaos_log_terminal() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status IN ('completed', 'failed', 'cancelled')
           OR (TG_OP = 'UPDATE' AND OLD.status IN ('completed', 'failed', 'cancelled')) THEN
            INSERT INTO chaos_terminal (execution_id, old_status, new_status, output)
            VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.output);
        END IF;
        RETURN NEW;
    END $$"#,
    r#"CREATE TRIGGER chaos_log_terminal AFTER INSERT OR UPDATE ON rhythm_executions
       FOR EACH ROW EXECUTE FUNCTION chaos_log_terminal()"#,
    // Every committed signal (what `send_signal` really stored, whatever the client saw).
    r#"CREATE TABLE chaos_signals_sent (
        seq          bigint      PRIMARY KEY,
        execution_id text        NOT NULL,
        name         text        NOT NULL,
        payload      jsonb       NOT NULL
    )"#,
    "CREATE INDEX chaos_signals_sent_id ON chaos_signals_sent ((payload->>'id'))",
    r#"CREATE FUNCTION chaos_log_signal() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO chaos_signals_sent (seq, execution_id, name, payload)
        VALUES (NEW.seq, NEW.execution_id, NEW.name, NEW.payload);
        RETURN NEW;
    END $$"#,
    r#"CREATE TRIGGER chaos_log_signal AFTER INSERT ON rhythm_signals
       FOR EACH ROW EXECUTE FUNCTION chaos_log_signal()"#,
];

/// Retry policy of every task a chaos workflow starts: a worker killed mid-task loses its lease,
/// and the engine retries the task as a new attempt.
const RETRIES: &str = r#"{ retries: { max: 30, initial: "100ms", maxDelay: "1s" } }"#;

/// The main workflow: tasks, a timer, a task and a child workflow at once, then `signals`
/// signals. Output `{ a: 2n, b: 4n, c: 2n + 1, got: [signal ids in arrival order] }`.
pub fn main_flow() -> String {
    format!(
        r#"const a = await Task.run("chaos-double", {{ n: Inputs.n }}, {RETRIES});
await Timer.delay("300ms");
const [b, c] = await Promise.all([
  Task.run("chaos-double", {{ n: a }}, {RETRIES}),
  Workflow.run("chaos_child", {{ n: Inputs.n }}),
]);
const got = [];
for (let i = 0; i < Inputs.signals; i++) {{
  const s = await Signal.next("sig");
  got.push(s.id);
}}
return {{ a, b, c, got }};
"#
    )
}

/// The child workflow: a task and a timer. Output `2n + 1`.
pub fn child_flow() -> String {
    format!(
        r#"const x = await Task.run("chaos-double", {{ n: Inputs.n }}, {RETRIES});
await Timer.delay("200ms");
return x + 1;
"#
    )
}

/// The workflow the harness cancels: a task, then a signal that never comes.
pub fn cancel_flow() -> String {
    format!(
        r#"const x = await Task.run("chaos-double", {{ n: Inputs.n }}, {RETRIES});
await Signal.next("never");
return x;
"#
    )
}

/// Name of the workflow the harness cancels.
pub const CANCEL_FLOW: &str = "chaos_cancel";
/// Name of the main workflow.
pub const MAIN_FLOW: &str = "chaos_flow";
/// Name of the child workflow.
pub const CHILD_FLOW: &str = "chaos_child";
/// The standalone task (`{i, n, slow_ms, mode}` → `{i, v: 3n + 1}`).
pub const TASK: &str = "chaos-task";
/// The task workflows run (`{n}` → `2n`).
pub const DOUBLE: &str = "chaos-double";

#[cfg(test)]
mod tests {
    #[test]
    fn the_workflows_compile() {
        for src in [
            super::main_flow(),
            super::child_flow(),
            super::cancel_flow(),
        ] {
            if let Err(e) = rhythm_interpreter::Program::compile(&src) {
                panic!("{src}\n{e:?}");
            }
        }
    }
}

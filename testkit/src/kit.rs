//! The kit: executions in memory, one fake clock, stubs, and a deterministic run loop.
//!
//! Time only moves when nothing can run: the kit runs everything due now, then jumps the clock
//! to the next scheduled thing. Things due at the same instant run in this order: task
//! attempts starting and finishing and child workflows (in the order they were scheduled),
//! then timers and attempt timeouts (by execution, then handle), then outside events
//! (signals, cancels) in the order they were scheduled. So a task finishing exactly at its
//! timeout succeeds, and a signal arriving exactly at its wait's timeout is too late.

use std::collections::{BTreeMap, BTreeSet};

use rhythm_engine::duration::format_duration;
use rhythm_engine::{
    ChildOutcome, Command, Engine, EngineConfig, Event, ExecutionMeta, ExecutionState, Rejected,
    Status, TaskAttempt, TaskDefaults, TaskDefinitions,
};
use rhythm_interpreter::effects::{EpochMillis, HandleId, Json};

use crate::registry::{Registry, SharedVm};
use crate::stub::{Stub, StubCall, StubResult};
use crate::timeline::{Timeline, json_text};

/// 2026-01-01T00:00:00Z, where the fake clock starts.
pub const DEFAULT_START_MS: EpochMillis = 1_767_225_600_000.0;

/// An execution in the kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExecId(pub usize);

/// What the kit says about an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KitStatus {
    /// Not ended and something is scheduled for it.
    Running,
    /// Not ended and nothing is scheduled for it: it waits for the outside.
    Waiting,
    /// Ended with an output.
    Completed,
    /// Ended with an error.
    Failed,
    /// Ended as cancelled.
    Cancelled,
}

impl KitStatus {
    /// `running`, `waiting`, `completed`, `failed` or `cancelled`.
    pub fn name(self) -> &'static str {
        match self {
            KitStatus::Running => "running",
            KitStatus::Waiting => "waiting",
            KitStatus::Completed => "completed",
            KitStatus::Failed => "failed",
            KitStatus::Cancelled => "cancelled",
        }
    }
}

/// One task attempt as it started.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The calling execution.
    pub execution: ExecId,
    /// Task name.
    pub task: String,
    /// Attempt number (1-based).
    pub attempt: u32,
    /// Task inputs.
    pub inputs: Json,
    /// When it started, in milliseconds since the kit's start.
    pub at_ms: f64,
}

/// Why the kit stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KitError {
    /// A task was called with no stub.
    #[error("task \"{task}\" was called with no stub (inputs: {inputs})")]
    NoStub {
        /// Task name.
        task: String,
        /// Its inputs, as JSON text.
        inputs: String,
    },
    /// A workflow (or child workflow) is neither loaded nor stubbed.
    #[error("unknown workflow \"{0}\" (not loaded and not stubbed)")]
    UnknownWorkflow(String),
    /// A workflow did not compile.
    #[error("workflow \"{name}\" does not compile: {message}")]
    Compile {
        /// Workflow name.
        name: String,
        /// The compiler's message.
        message: String,
    },
    /// An event was refused by the engine.
    #[error("{0}")]
    Rejected(#[from] Rejected),
}

struct Exec {
    label: String,
    vm: SharedVm,
    state: ExecutionState,
    parent: Option<(ExecId, HandleId)>,
    logs: Vec<String>,
    started_at: EpochMillis,
}

/// Something scheduled.
#[derive(Debug, Clone)]
enum Item {
    Start {
        exec: ExecId,
        inputs: Json,
    },
    AttemptStart {
        exec: ExecId,
        attempt: TaskAttempt,
    },
    AttemptDone {
        exec: ExecId,
        handle: HandleId,
        attempt: u32,
        result: Result<Json, Json>,
    },
    ChildStubDone {
        exec: ExecId,
        handle: HandleId,
        child: String,
        outcome: ChildOutcome,
    },
    ChildFinished {
        exec: ExecId,
        handle: HandleId,
        child: ExecId,
    },
    CancelChild {
        exec: ExecId,
        handle: HandleId,
    },
    AttemptTimeout {
        exec: ExecId,
        handle: HandleId,
        attempt: u32,
    },
    Timer {
        exec: ExecId,
        handle: HandleId,
        fire_at: EpochMillis,
    },
    Signal {
        exec: ExecId,
        name: String,
        payload: Json,
    },
    Cancel {
        exec: ExecId,
    },
}

impl Item {
    fn exec(&self) -> ExecId {
        match self {
            Item::Start { exec, .. }
            | Item::AttemptStart { exec, .. }
            | Item::AttemptDone { exec, .. }
            | Item::ChildStubDone { exec, .. }
            | Item::ChildFinished { exec, .. }
            | Item::CancelChild { exec, .. }
            | Item::AttemptTimeout { exec, .. }
            | Item::Timer { exec, .. }
            | Item::Signal { exec, .. }
            | Item::Cancel { exec } => *exec,
        }
    }
}

/// Queue order: time, then class (work, timers, outside events), then a tiebreak.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key {
    at: EpochMillis,
    class: u8,
    exec: usize,
    ord: u64,
}

impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at
            .total_cmp(&other.at)
            .then(self.class.cmp(&other.class))
            .then(self.exec.cmp(&other.exec))
            .then(self.ord.cmp(&other.ord))
    }
}

/// The in-memory test kit.
pub struct Kit {
    registry: Registry,
    engine: Engine,
    start_ms: EpochMillis,
    now: EpochMillis,
    execs: Vec<Exec>,
    tasks: BTreeMap<String, Stub>,
    workflows: BTreeMap<String, Stub>,
    uses: BTreeMap<(bool, String), usize>,
    queue: BTreeMap<Key, Item>,
    seq: u64,
    withdrawn: BTreeSet<(ExecId, HandleId, u32)>,
    calls: Vec<Call>,
    timeline: Timeline,
    problem: Option<KitError>,
    seed: u64,
}

impl std::fmt::Debug for Kit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit")
            .field("now", &self.now)
            .field("executions", &self.execs.len())
            .finish()
    }
}

impl Kit {
    /// A kit running the workflows of `registry`, its clock at 2026-01-01T00:00:00Z.
    pub fn new(registry: Registry) -> Self {
        Kit {
            registry,
            engine: Engine::new(EngineConfig::default()),
            start_ms: DEFAULT_START_MS,
            now: DEFAULT_START_MS,
            execs: Vec::new(),
            tasks: BTreeMap::new(),
            workflows: BTreeMap::new(),
            uses: BTreeMap::new(),
            queue: BTreeMap::new(),
            seq: 0,
            withdrawn: BTreeSet::new(),
            calls: Vec::new(),
            timeline: Timeline::default(),
            problem: None,
            seed: 1,
        }
    }

    /// Sets the engine's configuration (for example no retry jitter).
    pub fn with_engine_config(mut self, config: EngineConfig) -> Self {
        self.engine.config = config;
        self
    }

    /// Sets the defaults of the tasks' definitions (retries, timeout, queue) for calls that
    /// leave those options out, as the SDK's `@task` decorator does in production.
    pub fn with_task_defaults(mut self, defaults: TaskDefinitions) -> Self {
        self.engine = self.engine.clone().with_task_defaults(defaults);
        self
    }

    /// Sets the defaults of one task's definition (see [`Kit::with_task_defaults`]).
    pub fn set_task_defaults(&mut self, name: &str, defaults: TaskDefaults) -> &mut Self {
        self.engine.task_defaults.insert(name, defaults);
        self
    }

    /// Moves the start of the clock (before anything ran) to `start_ms`.
    pub fn with_start(mut self, start_ms: EpochMillis) -> Self {
        self.start_ms = start_ms;
        self.now = start_ms;
        self
    }

    /// Sets the base seed of `Math.random` (execution `n` gets `seed + n`).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The registry, to add workflows.
    pub fn registry_mut(&mut self) -> &mut Registry {
        &mut self.registry
    }

    /// Stubs the task `name`.
    pub fn stub_task(&mut self, name: &str, stub: Stub) -> &mut Self {
        self.tasks.insert(name.to_owned(), stub);
        self
    }

    /// Stubs the child workflow `name` (instead of running it from the registry).
    pub fn stub_workflow(&mut self, name: &str, stub: Stub) -> &mut Self {
        self.workflows.insert(name.to_owned(), stub);
        self
    }

    /// The current fake time, in milliseconds since the Unix epoch.
    pub fn now(&self) -> EpochMillis {
        self.now
    }

    /// Fake time passed since the kit's start, in milliseconds.
    pub fn elapsed_ms(&self) -> f64 {
        self.now - self.start_ms
    }

    /// Starts the newest version of workflow `name` with `inputs` (it runs at once, up to its
    /// first wait).
    pub fn start(&mut self, name: &str, inputs: Json) -> Result<ExecId, KitError> {
        let id = self.create(name, None)?;
        self.push(self.now, 0, Item::Start { exec: id, inputs });
        self.run_until(self.now)?;
        Ok(id)
    }

    fn create(
        &mut self,
        name: &str,
        parent: Option<(ExecId, HandleId)>,
    ) -> Result<ExecId, KitError> {
        let Some(version) = self.registry.latest(name).map(str::to_owned) else {
            return Err(KitError::UnknownWorkflow(name.to_owned()));
        };
        let vm = self
            .registry
            .program(name, &version)
            .map_err(|message| KitError::Compile {
                name: name.to_owned(),
                message,
            })?;
        let id = ExecId(self.execs.len());
        let meta = ExecutionMeta {
            execution_id: format!("exec-{}", id.0 + 1),
            workflow_name: name.to_owned(),
            version,
            random_seed: self.seed.wrapping_add(id.0 as u64),
        };
        let label = if parent.is_some() {
            format!("[{name} {}] ", meta.execution_id)
        } else {
            String::new()
        };
        self.execs.push(Exec {
            label,
            vm,
            state: ExecutionState::new(meta),
            parent,
            logs: Vec::new(),
            started_at: self.now,
        });
        Ok(id)
    }

    /// Sends a signal now (and runs what it wakes).
    pub fn signal(&mut self, exec: ExecId, name: &str, payload: Json) -> Result<(), KitError> {
        self.timeline.push(
            self.rel(),
            "",
            format!("signal {name} sent {}", json_text(&payload)),
        );
        self.apply(
            exec,
            Event::SignalArrived {
                name: name.to_owned(),
                payload,
            },
        )?;
        self.run_until(self.now)
    }

    /// Schedules a signal `after_ms` from now.
    pub fn signal_after(&mut self, exec: ExecId, after_ms: f64, name: &str, payload: Json) {
        self.push(
            self.now + after_ms.max(0.0),
            2,
            Item::Signal {
                exec,
                name: name.to_owned(),
                payload,
            },
        );
    }

    /// Asks to cancel now (and runs the cleanup it triggers).
    pub fn cancel(&mut self, exec: ExecId) -> Result<(), KitError> {
        self.timeline
            .push(self.rel(), &self.label(exec), "cancel requested".to_owned());
        self.apply(exec, Event::CancelRequested)?;
        self.run_until(self.now)
    }

    /// Schedules a cancel `after_ms` from now.
    pub fn cancel_after(&mut self, exec: ExecId, after_ms: f64) {
        self.push(self.now + after_ms.max(0.0), 2, Item::Cancel { exec });
    }

    /// Runs everything due within `ms` of fake time, then sets the clock to now + `ms`.
    pub fn advance(&mut self, ms: f64) -> Result<(), KitError> {
        let until = self.now + ms.max(0.0);
        self.run_until(until)?;
        self.now = until;
        Ok(())
    }

    /// Runs until nothing is scheduled (the clock jumps from one scheduled thing to the next).
    pub fn run_until_idle(&mut self) -> Result<(), KitError> {
        self.run_while(|_| true)
    }

    /// Runs until `exec` ends or nothing is scheduled.
    /// Work due at the instant it ends (fire-and-forget attempts started right before the
    /// end) still runs; the clock does not move past that instant.
    pub fn run_until_done(&mut self, exec: ExecId) -> Result<(), KitError> {
        self.run_while(|kit| !kit.state(exec).is_some_and(|s| s.status.is_terminal()))?;
        self.run_until(self.now)
    }

    fn run_until(&mut self, until: EpochMillis) -> Result<(), KitError> {
        self.run_while(|kit| {
            kit.queue
                .first_key_value()
                .is_some_and(|(k, _)| k.at <= until)
        })
    }

    fn run_while(&mut self, mut go_on: impl FnMut(&Kit) -> bool) -> Result<(), KitError> {
        while self.problem.is_none() && go_on(self) {
            let Some((key, item)) = self.queue.pop_first() else {
                break;
            };
            // A leftover of a finished wait (a timer cancelled by an earlier signal, the
            // timeout of an attempt that already ended) does nothing, so it must not move the
            // clock either: a completed run stops where it completed.
            if self.is_stale(&item) {
                continue;
            }
            if key.at > self.now {
                self.now = key.at;
            }
            self.process(item)?;
        }
        match &self.problem {
            Some(p) => Err(p.clone()),
            None => Ok(()),
        }
    }

    fn push(&mut self, at: EpochMillis, class: u8, item: Item) {
        self.seq += 1;
        let (exec, ord) = match &item {
            Item::Timer { exec, handle, .. } | Item::AttemptTimeout { exec, handle, .. } => {
                (exec.0, u64::from(handle.0) << 32 | self.seq & 0xFFFF_FFFF)
            }
            _ => (0, self.seq),
        };
        self.queue.insert(
            Key {
                at: at.max(self.now),
                class,
                exec,
                ord,
            },
            item,
        );
    }

    fn rel(&self) -> f64 {
        self.now - self.start_ms
    }

    fn label(&self, exec: ExecId) -> String {
        self.execs
            .get(exec.0)
            .map(|e| e.label.clone())
            .unwrap_or_default()
    }

    fn state(&self, exec: ExecId) -> Option<&ExecutionState> {
        self.execs.get(exec.0).map(|e| &e.state)
    }

    fn process(&mut self, item: Item) -> Result<(), KitError> {
        let exec = item.exec();
        let label = self.label(exec);
        let rel = self.rel();
        match item {
            Item::Start { inputs, .. } => {
                let name = self
                    .execs
                    .get(exec.0)
                    .map(|e| e.state.meta.workflow_name.clone())
                    .unwrap_or_default();
                self.timeline.push(
                    rel,
                    &label,
                    format!("workflow {name} started {}", json_text(&inputs)),
                );
                self.apply(exec, Event::Start { inputs })?;
            }
            Item::AttemptStart { attempt, .. } => self.start_attempt(exec, attempt),
            Item::AttemptDone {
                handle,
                attempt,
                result,
                ..
            } => {
                if !self.is_live(exec, handle, attempt) {
                    return Ok(());
                }
                let name = self.task_name(exec, handle);
                let event = match result {
                    Ok(output) => {
                        self.timeline.push(
                            rel,
                            &label,
                            format!("task {name} #{attempt} completed {}", json_text(&output)),
                        );
                        Event::TaskSucceeded {
                            handle,
                            attempt,
                            output,
                        }
                    }
                    Err(error) => {
                        self.timeline.push(
                            rel,
                            &label,
                            format!("task {name} #{attempt} failed {}", json_text(&error)),
                        );
                        Event::TaskFailed {
                            handle,
                            attempt,
                            error,
                        }
                    }
                };
                self.apply(exec, event)?;
            }
            Item::AttemptTimeout {
                handle, attempt, ..
            } => {
                if !self.is_live(exec, handle, attempt) {
                    return Ok(());
                }
                let name = self.task_name(exec, handle);
                self.timeline
                    .push(rel, &label, format!("task {name} #{attempt} timed out"));
                self.apply(exec, Event::TaskTimedOut { handle, attempt })?;
            }
            Item::Timer {
                handle, fire_at, ..
            } => {
                let live = self
                    .state(exec)
                    .is_some_and(|s| s.timers.get(&handle) == Some(&fire_at));
                if !live {
                    return Ok(());
                }
                let what = match self.state(exec).and_then(|s| s.handles.get(&handle)) {
                    Some(rhythm_engine::Pending::Signal { name, .. }) => {
                        format!("wait for signal {name} timed out")
                    }
                    _ => format!("timer {} fired", handle.0),
                };
                self.timeline.push(rel, &label, what);
                self.apply(exec, Event::TimerDue { handle })?;
            }
            Item::Signal { name, payload, .. } => {
                let finished = self.state(exec).is_some_and(|s| s.status.is_terminal());
                let note = if finished {
                    " (refused: the execution has ended)"
                } else {
                    ""
                };
                self.timeline.push(
                    rel,
                    &label,
                    format!("signal {name} received {}{note}", json_text(&payload)),
                );
                if !finished {
                    self.apply(exec, Event::SignalArrived { name, payload })?;
                }
            }
            Item::Cancel { .. } => {
                if self
                    .state(exec)
                    .is_some_and(|s| !s.status.is_terminal() && !s.cancel_requested)
                {
                    self.timeline
                        .push(rel, &label, "cancel requested".to_owned());
                    self.apply(exec, Event::CancelRequested)?;
                }
            }
            Item::CancelChild { handle, .. } => {
                let child = self
                    .execs
                    .iter()
                    .position(|e| e.parent == Some((exec, handle)));
                if let Some(child) = child.map(ExecId)
                    && self.state(child).is_some_and(|s| !s.status.is_terminal())
                {
                    self.timeline.push(
                        rel,
                        &self.label(child),
                        "cancel requested by the parent".to_owned(),
                    );
                    self.apply(child, Event::CancelRequested)?;
                }
            }
            Item::ChildStubDone {
                handle,
                child,
                outcome,
                ..
            } => {
                let result = match &outcome {
                    ChildOutcome::Completed { output } => {
                        format!("completed {}", json_text(output))
                    }
                    ChildOutcome::Failed { error } | ChildOutcome::Cancelled { error } => {
                        format!("failed {}", json_text(error))
                    }
                };
                if self
                    .state(exec)
                    .is_some_and(|s| s.handles.contains_key(&handle))
                {
                    self.timeline
                        .push(rel, &label, format!("workflow {child} (stub) {result}"));
                }
                let execution_id = format!("stub-{child}");
                self.apply(
                    exec,
                    Event::ChildFinished {
                        handle,
                        execution_id,
                        outcome,
                    },
                )?;
            }
            Item::ChildFinished { handle, child, .. } => {
                let Some(c) = self.execs.get(child.0) else {
                    return Ok(());
                };
                let outcome = match &c.state.status {
                    Status::Completed { output } => ChildOutcome::Completed {
                        output: output.clone(),
                    },
                    Status::Failed { error } => ChildOutcome::Failed {
                        error: error.clone(),
                    },
                    Status::Cancelled { error } => ChildOutcome::Cancelled {
                        error: error.clone(),
                    },
                    _ => return Ok(()),
                };
                let execution_id = c.state.meta.execution_id.clone();
                self.apply(
                    exec,
                    Event::ChildFinished {
                        handle,
                        execution_id,
                        outcome,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// Whether processing `item` would do nothing: a timer no longer set, the timeout or result
    /// of an attempt that is no longer current, a cancel of an ended execution.
    fn is_stale(&self, item: &Item) -> bool {
        match item {
            Item::Timer {
                exec,
                handle,
                fire_at,
            } => !self
                .state(*exec)
                .is_some_and(|s| !s.status.is_terminal() && s.timers.get(handle) == Some(fire_at)),
            Item::AttemptTimeout {
                exec,
                handle,
                attempt,
            }
            | Item::AttemptDone {
                exec,
                handle,
                attempt,
                ..
            } => !self.is_live(*exec, *handle, *attempt),
            Item::Cancel { exec } => !self
                .state(*exec)
                .is_some_and(|s| !s.status.is_terminal() && !s.cancel_requested),
            _ => false,
        }
    }

    fn is_live(&self, exec: ExecId, handle: HandleId, attempt: u32) -> bool {
        self.state(exec)
            .is_some_and(|s| s.is_current_attempt(handle, attempt))
    }

    fn task_name(&self, exec: ExecId, handle: HandleId) -> String {
        match self.state(exec).and_then(|s| s.handles.get(&handle)) {
            Some(rhythm_engine::Pending::Task(call)) => call.name.clone(),
            _ => format!("#{}", handle.0),
        }
    }

    fn start_attempt(&mut self, exec: ExecId, attempt: TaskAttempt) {
        if self
            .withdrawn
            .contains(&(exec, attempt.handle, attempt.attempt))
        {
            return;
        }
        let rel = self.rel();
        let label = self.label(exec);
        self.timeline.push(
            rel,
            &label,
            format!(
                "task {} #{} started {}",
                attempt.name,
                attempt.attempt,
                json_text(&attempt.inputs)
            ),
        );
        self.calls.push(Call {
            execution: exec,
            task: attempt.name.clone(),
            attempt: attempt.attempt,
            inputs: attempt.inputs.clone(),
            at_ms: rel,
        });
        let Some(stub) = self.tasks.get(&attempt.name) else {
            self.problem = Some(KitError::NoStub {
                task: attempt.name.clone(),
                inputs: json_text(&attempt.inputs),
            });
            return;
        };
        let index = self.uses.entry((false, attempt.name.clone())).or_insert(0);
        let call = StubCall {
            name: &attempt.name,
            inputs: &attempt.inputs,
            attempt: attempt.attempt,
            index: *index,
        };
        *index += 1;
        let StubResult { outcome, takes_ms } = stub.result(&call);
        let done_at = self.now + takes_ms.max(0.0);
        let (handle, n) = (attempt.handle, attempt.attempt);
        self.push(
            done_at,
            0,
            Item::AttemptDone {
                exec,
                handle,
                attempt: n,
                result: outcome,
            },
        );
        if let Some(timeout_at) = attempt.timeout_at {
            self.push(
                timeout_at.max(self.now),
                1,
                Item::AttemptTimeout {
                    exec,
                    handle,
                    attempt: n,
                },
            );
        }
    }

    fn start_child(
        &mut self,
        exec: ExecId,
        handle: HandleId,
        name: String,
        inputs: Json,
    ) -> Result<(), KitError> {
        let rel = self.rel();
        let label = self.label(exec);
        if let Some(stub) = self.workflows.get(&name) {
            self.timeline.push(
                rel,
                &label,
                format!("workflow {name} (stub) started {}", json_text(&inputs)),
            );
            let index = self.uses.entry((true, name.clone())).or_insert(0);
            let call = StubCall {
                name: &name,
                inputs: &inputs,
                attempt: 1,
                index: *index,
            };
            *index += 1;
            let StubResult { outcome, takes_ms } = stub.result(&call);
            let outcome = match outcome {
                Ok(output) => ChildOutcome::Completed { output },
                Err(error) => ChildOutcome::Failed {
                    error: rhythm_engine::errors::normalize_error(error),
                },
            };
            self.push(
                self.now + takes_ms.max(0.0),
                0,
                Item::ChildStubDone {
                    exec,
                    handle,
                    child: name,
                    outcome,
                },
            );
            return Ok(());
        }
        let child = self.create(&name, Some((exec, handle)))?;
        self.push(
            self.now,
            0,
            Item::Start {
                exec: child,
                inputs,
            },
        );
        Ok(())
    }

    fn apply(&mut self, exec: ExecId, event: Event) -> Result<(), KitError> {
        let now = self.now;
        let Some(e) = self.execs.get_mut(exec.0) else {
            return Ok(());
        };
        let commands = self.engine.apply(&mut e.state, e.vm.as_ref(), event, now)?;
        for command in commands {
            if let Err(problem) = self.carry_out(exec, command) {
                self.problem.get_or_insert(problem);
            }
        }
        Ok(())
    }

    fn carry_out(&mut self, exec: ExecId, command: Command) -> Result<(), KitError> {
        let rel = self.rel();
        let label = self.label(exec);
        match command {
            Command::QueueTask(attempt) => {
                let at = attempt.run_at;
                self.push(at, 0, Item::AttemptStart { exec, attempt });
            }
            Command::WithdrawTask { handle, attempt } => {
                self.withdrawn.insert((exec, handle, attempt));
            }
            Command::StartTimer { handle, fire_at } => {
                if let Some(rhythm_engine::Pending::Timer { .. }) =
                    self.state(exec).and_then(|s| s.handles.get(&handle))
                {
                    self.timeline.push(
                        rel,
                        &label,
                        format!(
                            "timer {} set for +{}",
                            handle.0,
                            format_duration(fire_at - self.start_ms)
                        ),
                    );
                }
                self.push(
                    fire_at,
                    1,
                    Item::Timer {
                        exec,
                        handle,
                        fire_at,
                    },
                );
            }
            Command::CancelTimer { .. } => {}
            // The kit never retries an execution (`Event::Retry` comes from operators).
            Command::RetryChild { .. } => {}
            Command::StartChild {
                handle,
                name,
                inputs,
                ..
            } => self.start_child(exec, handle, name, inputs)?,
            Command::CancelChild { handle } => {
                self.push(self.now, 0, Item::CancelChild { exec, handle })
            }
            Command::Log { line } => {
                if let Some(e) = self.execs.get_mut(exec.0) {
                    e.logs.push(line);
                }
            }
            Command::Complete { output } => {
                self.timeline.push(
                    rel,
                    &label,
                    format!("workflow completed {}", json_text(&output)),
                );
                self.notify_parent(exec);
            }
            Command::Fail { error } => {
                self.timeline.push(
                    rel,
                    &label,
                    format!("workflow failed {}", json_text(&error)),
                );
                self.notify_parent(exec);
            }
            Command::Cancelled { error } => {
                self.timeline.push(
                    rel,
                    &label,
                    format!("workflow cancelled {}", json_text(&error)),
                );
                self.notify_parent(exec);
            }
        }
        Ok(())
    }

    fn notify_parent(&mut self, child: ExecId) {
        if let Some((parent, handle)) = self.execs.get(child.0).and_then(|e| e.parent) {
            self.push(
                self.now,
                0,
                Item::ChildFinished {
                    exec: parent,
                    handle,
                    child,
                },
            );
        }
    }

    /// The status of `exec` (`None` for an unknown id).
    pub fn status(&self, exec: ExecId) -> Option<KitStatus> {
        let state = self.state(exec)?;
        Some(match &state.status {
            Status::Completed { .. } => KitStatus::Completed,
            Status::Failed { .. } => KitStatus::Failed,
            Status::Cancelled { .. } => KitStatus::Cancelled,
            Status::Created | Status::Running => {
                if self.queue.values().any(|i| i.exec() == exec) {
                    KitStatus::Running
                } else {
                    KitStatus::Waiting
                }
            }
        })
    }

    /// The output of a completed execution.
    pub fn output(&self, exec: ExecId) -> Option<&Json> {
        match &self.state(exec)?.status {
            Status::Completed { output } => Some(output),
            _ => None,
        }
    }

    /// The error of a failed or cancelled execution.
    pub fn error(&self, exec: ExecId) -> Option<&Json> {
        match &self.state(exec)?.status {
            Status::Failed { error } | Status::Cancelled { error } => Some(error),
            _ => None,
        }
    }

    /// The engine state of `exec`.
    pub fn execution_state(&self, exec: ExecId) -> Option<&ExecutionState> {
        self.state(exec)
    }

    /// Every task attempt of every execution, in the order attempts started.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// The task names of [`Kit::calls`].
    pub fn call_names(&self) -> Vec<String> {
        self.calls.iter().map(|c| c.task.clone()).collect()
    }

    /// `console.log` lines of `exec`.
    pub fn logs(&self, exec: ExecId) -> &[String] {
        self.execs
            .get(exec.0)
            .map(|e| e.logs.as_slice())
            .unwrap_or_default()
    }

    /// The child executions `exec` started (children run for real).
    pub fn children(&self, exec: ExecId) -> Vec<ExecId> {
        (0..self.execs.len())
            .map(ExecId)
            .filter(|c| self.execs[c.0].parent.map(|p| p.0) == Some(exec))
            .collect()
    }

    /// When `exec` started, in milliseconds since the Unix epoch.
    pub fn started_at(&self, exec: ExecId) -> Option<EpochMillis> {
        self.execs.get(exec.0).map(|e| e.started_at)
    }

    /// The readable timeline of everything that happened.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

//! The transition function: an event and the time in, a new state and commands out.

use rhythm_interpreter::effects::{
    Delivery, EpochMillis, HandleId, Json, Outcome, Request, Settlement,
};

use crate::backoff::retry_delay;
use crate::command::{Command, TaskAttempt};
use crate::defaults::TaskDefinitions;
use crate::errors;
use crate::event::{ChildOutcome, Event};
use crate::state::{ExecutionState, Pending, Status, TaskCall};
use crate::vm::{Vm, VmContext, VmStep};

/// Tunables shared by every execution an engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Fraction by which jitter may shorten a retry delay (see [`crate::backoff`]). Default 0.2.
    pub retry_jitter: f64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { retry_jitter: 0.2 }
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejected {
    /// The execution has ended; signals and cancels sent to it are refused.
    #[error("the execution has already ended ({0})")]
    Finished(&'static str),
    /// The execution has not been started.
    #[error("the execution has not been started")]
    NotStarted,
    /// The execution was already started.
    #[error("the execution has already been started")]
    AlreadyStarted,
}

/// The engine: applies events to execution states.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    /// Its configuration.
    pub config: EngineConfig,
    /// The defaults of the tasks' definitions, for calls that leave options out.
    pub task_defaults: TaskDefinitions,
}

/// Commands gathered while applying one event.
struct Out<'a> {
    now: EpochMillis,
    commands: Vec<Command>,
    task_defaults: &'a TaskDefinitions,
}

impl Engine {
    /// An engine with `config`.
    pub fn new(config: EngineConfig) -> Self {
        Engine {
            config,
            task_defaults: TaskDefinitions::default(),
        }
    }

    /// The same engine with the defaults of the tasks' definitions.
    pub fn with_task_defaults(mut self, task_defaults: TaskDefinitions) -> Self {
        self.task_defaults = task_defaults;
        self
    }

    /// Applies `event`, happening at `now`, to `state`, running `vm` as far as it can go.
    ///
    /// Events about handles that are no longer pending (stale attempts, timers already
    /// cancelled, results of withdrawn work) are ignored and give no commands. Signals and
    /// cancels sent to an ended execution are refused with [`Rejected::Finished`].
    pub fn apply(
        &self,
        state: &mut ExecutionState,
        vm: &dyn Vm,
        event: Event,
        now: EpochMillis,
    ) -> Result<Vec<Command>, Rejected> {
        let mut out = Out {
            now,
            commands: Vec::new(),
            task_defaults: &self.task_defaults,
        };
        match (&state.status, &event) {
            (Status::Created, Event::Start { .. }) => {}
            (Status::Created, _) => return Err(Rejected::NotStarted),
            (_, Event::Start { .. }) => return Err(Rejected::AlreadyStarted),
            (status, Event::SignalArrived { .. } | Event::CancelRequested)
                if status.is_terminal() =>
            {
                return Err(Rejected::Finished(status.name()));
            }
            (status, _) if status.is_terminal() => return Ok(Vec::new()),
            _ => {}
        }
        match event {
            Event::Start { inputs } => {
                state.status = Status::Running;
                let step = vm.start(inputs, &context(state, now));
                self.absorb(state, step, &mut out);
            }
            Event::TaskSucceeded {
                handle,
                attempt,
                output,
            } => {
                if state.is_current_attempt(handle, attempt) {
                    settle(state, handle, Settlement::Fulfilled(output));
                }
            }
            Event::TaskFailed {
                handle,
                attempt,
                error,
            } => {
                self.attempt_failed(
                    state,
                    handle,
                    attempt,
                    errors::normalize_error(error),
                    &mut out,
                );
            }
            Event::TaskTimedOut { handle, attempt } => {
                if let Some(Pending::Task(call)) = state.handles.get(&handle) {
                    let error = errors::attempt_timeout(
                        &call.name,
                        attempt,
                        call.options.timeout_ms.unwrap_or(0.0),
                    );
                    self.attempt_failed(state, handle, attempt, error, &mut out);
                }
            }
            Event::TimerDue { handle } => timer_due(state, handle, now),
            Event::SignalArrived { name, payload } => {
                signal_arrived(state, name, payload, &mut out)
            }
            Event::ChildFinished {
                handle,
                execution_id,
                outcome,
            } => {
                if let Some(Pending::Child { name, .. }) = state.handles.get(&handle) {
                    let settlement = match outcome {
                        ChildOutcome::Completed { output } => Settlement::Fulfilled(output),
                        ChildOutcome::Failed { error } | ChildOutcome::Cancelled { error } => {
                            Settlement::Rejected(errors::workflow_failed(
                                name,
                                &execution_id,
                                error,
                            ))
                        }
                    };
                    settle(state, handle, settlement);
                }
            }
            Event::CancelRequested => {
                if !state.cancel_requested {
                    cancel(state, &mut out);
                }
            }
            Event::Retry {
                failed_tasks,
                failed_children,
            } => retry(state, &failed_tasks, &failed_children, &mut out),
        }
        self.pump(state, vm, &mut out);
        Ok(out.commands)
    }

    /// A task attempt failed: retry it after its backoff, or settle the call as `TaskFailed`.
    fn attempt_failed(
        &self,
        state: &mut ExecutionState,
        handle: HandleId,
        attempt: u32,
        error: Json,
        out: &mut Out,
    ) {
        if !state.is_current_attempt(handle, attempt) {
            return;
        }
        let Some(Pending::Task(call)) = state.handles.get_mut(&handle) else {
            return;
        };
        let allowed = call
            .options
            .retries
            .as_ref()
            .map_or(1, |r| r.max.saturating_add(1));
        if attempt < allowed {
            let delay = match &call.options.retries {
                Some(policy) => {
                    retry_delay(policy, attempt, self.config.retry_jitter, &mut state.rng)
                }
                None => 0.0,
            };
            call.attempt = attempt + 1;
            let command = queue_command(handle, call, out.now + delay);
            out.commands.push(command);
        } else {
            let failure = errors::task_failed(&call.name, attempt, error);
            settle(state, handle, Settlement::Rejected(failure));
        }
    }

    /// Resumes the VM for as long as something it awaits has settled (or a cancel is pending).
    fn pump(&self, state: &mut ExecutionState, vm: &dyn Vm, out: &mut Out) {
        loop {
            if state.status.is_terminal() {
                return;
            }
            let deliveries = take_deliveries(state);
            if deliveries.is_empty() {
                return;
            }
            let Some(bytes) = state.vm_state.take() else {
                self.finish(
                    state,
                    Outcome::Failed {
                        error: errors::state_error("no saved state to resume"),
                    },
                    out,
                );
                return;
            };
            match vm.resume(&bytes, deliveries, &context(state, out.now)) {
                Ok(step) => self.absorb(state, step, out),
                Err(e) => self.finish(
                    state,
                    Outcome::Failed {
                        error: errors::state_error(e.0),
                    },
                    out,
                ),
            }
        }
    }

    /// Takes in one VM step: logs, then the outcome.
    fn absorb(&self, state: &mut ExecutionState, step: VmStep, out: &mut Out) {
        out.commands
            .extend(step.logs.into_iter().map(|line| Command::Log { line }));
        match step.outcome {
            Outcome::Suspended {
                requests,
                waiting_on,
            } => {
                let Some(bytes) = step.state else {
                    let error = errors::state_error("the VM suspended without a state");
                    self.finish(state, Outcome::Failed { error }, out);
                    return;
                };
                state.vm_state = Some(bytes);
                state.waiting_on = waiting_on;
                for request in requests {
                    request_made(state, request, out);
                }
            }
            done => {
                // Fire-and-forget work started right before the end still runs.
                for request in step.detached {
                    match request {
                        Request::RunTask {
                            handle,
                            name,
                            inputs,
                            options,
                        } => {
                            let call = TaskCall {
                                name,
                                inputs,
                                options,
                                attempt: 1,
                                dropped: true,
                            };
                            out.commands.push(queue_command(handle, &call, out.now));
                        }
                        Request::StartWorkflow {
                            handle,
                            name,
                            inputs,
                            options,
                        } => {
                            out.commands.push(Command::StartChild {
                                handle,
                                name,
                                inputs,
                                options,
                            });
                        }
                        _ => {}
                    }
                }
                self.finish(state, done, out)
            }
        }
    }

    /// Ends the execution. Timers and signal waits are dropped; tasks and children keep running
    /// (fire-and-forget work still runs, its results are ignored).
    fn finish(&self, state: &mut ExecutionState, outcome: Outcome, out: &mut Out) {
        let (status, command) = match outcome {
            Outcome::Completed { output } => (
                Status::Completed {
                    output: output.clone(),
                },
                Command::Complete { output },
            ),
            Outcome::Failed { error } if errors::error_type(&error) == Some("Cancelled") => (
                Status::Cancelled {
                    error: error.clone(),
                },
                Command::Cancelled { error },
            ),
            Outcome::Failed { error } => (
                Status::Failed {
                    error: error.clone(),
                },
                Command::Fail { error },
            ),
            Outcome::Suspended { .. } => return,
        };
        for handle in std::mem::take(&mut state.timers).into_keys() {
            out.commands.push(Command::CancelTimer { handle });
        }
        state.signal_waits.clear();
        state.consumed_by.clear();
        state.handles.clear();
        state.settled.clear();
        state.waiting_on.clear();
        state.vm_state = None;
        state.cancel_pending = false;
        state.status = status;
        out.commands.push(command);
    }
}

fn context(state: &ExecutionState, now: EpochMillis) -> VmContext {
    VmContext {
        now,
        execution_id: state.meta.execution_id.clone(),
        workflow_name: state.meta.workflow_name.clone(),
        random_seed: state.meta.random_seed,
    }
}

fn queue_command(handle: HandleId, call: &TaskCall, run_at: EpochMillis) -> Command {
    Command::QueueTask(TaskAttempt {
        handle,
        attempt: call.attempt,
        name: call.name.clone(),
        inputs: call.inputs.clone(),
        queue: call.options.queue.clone(),
        priority: call.options.priority,
        idempotency_key: call.options.idempotency_key.clone(),
        run_at,
        timeout_at: call.options.timeout_ms.map(|t| run_at + t),
    })
}

/// Records that `handle` settled (dropped handles settle into nothing).
fn settle(state: &mut ExecutionState, handle: HandleId, settlement: Settlement) {
    let dropped = matches!(
        state.handles.remove(&handle),
        Some(Pending::Task(TaskCall { dropped: true, .. }) | Pending::Child { dropped: true, .. })
    );
    if !dropped {
        state.settled.push((handle, settlement));
    }
}

/// The deliveries for the next resume: a pending cancel alone, or else every buffered
/// settlement the current await needs, in arrival order.
fn take_deliveries(state: &mut ExecutionState) -> Vec<Delivery> {
    if state.cancel_pending {
        state.cancel_pending = false;
        return vec![Delivery::Cancel];
    }
    let waiting = &state.waiting_on;
    let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut state.settled)
        .into_iter()
        .partition(|(h, _)| waiting.is_empty() || waiting.contains(h));
    state.settled = later;
    for (handle, _) in &now {
        state.consumed_by.remove(handle);
    }
    now.into_iter()
        .map(|(handle, settlement)| Delivery::Settled { handle, settlement })
        .collect()
}

fn request_made(state: &mut ExecutionState, request: Request, out: &mut Out) {
    match request {
        Request::RunTask {
            handle,
            name,
            inputs,
            mut options,
        } => {
            out.task_defaults.fill(&name, &mut options);
            let call = TaskCall {
                name,
                inputs,
                options,
                attempt: 1,
                dropped: false,
            };
            out.commands.push(queue_command(handle, &call, out.now));
            state.handles.insert(handle, Pending::Task(call));
        }
        Request::StartTimer { handle, fire_at } => {
            if fire_at <= out.now || fire_at.is_nan() {
                state
                    .settled
                    .push((handle, Settlement::Fulfilled(Json::Null)));
            } else {
                state.handles.insert(handle, Pending::Timer { fire_at });
                state.timers.insert(handle, fire_at);
                out.commands.push(Command::StartTimer { handle, fire_at });
            }
        }
        Request::WaitSignal {
            handle,
            name,
            timeout_at,
        } => {
            if let Some(payload) = state.signals.get_mut(&name).and_then(|q| q.pop_front()) {
                state.consumed_by.insert(handle, name);
                state.settled.push((handle, Settlement::Fulfilled(payload)));
                return;
            }
            if let Some(at) = timeout_at {
                if at <= out.now || at.is_nan() {
                    let error = errors::signal_timeout(&name, (at - out.now).max(0.0));
                    state.settled.push((handle, Settlement::Rejected(error)));
                    return;
                }
                state.timers.insert(handle, at);
                out.commands.push(Command::StartTimer {
                    handle,
                    fire_at: at,
                });
            }
            state
                .signal_waits
                .entry(name.clone())
                .or_default()
                .push_back(handle);
            state.handles.insert(
                handle,
                Pending::Signal {
                    name,
                    since: out.now,
                    timeout_at,
                },
            );
        }
        Request::StartWorkflow {
            handle,
            name,
            inputs,
            options,
        } => {
            out.commands.push(Command::StartChild {
                handle,
                name: name.clone(),
                inputs,
                options,
            });
            state.handles.insert(
                handle,
                Pending::Child {
                    name,
                    dropped: false,
                },
            );
        }
        Request::Withdraw { handle } => withdraw(state, handle, out),
    }
}

/// A race loser: timers and signal waits are cancelled (a withdrawn wait consumes nothing:
/// a signal it had already taken but not handed over goes back to the front of the buffer);
/// tasks and children keep running and their results are dropped.
fn withdraw(state: &mut ExecutionState, handle: HandleId, out: &mut Out) {
    if let Some(pos) = state.settled.iter().position(|(h, _)| *h == handle) {
        let (_, settlement) = state.settled.remove(pos);
        if let (Some(name), Settlement::Fulfilled(payload)) =
            (state.consumed_by.remove(&handle), settlement)
        {
            state.signals.entry(name).or_default().push_front(payload);
        }
        return;
    }
    match state.handles.get_mut(&handle) {
        Some(Pending::Timer { .. }) | Some(Pending::Signal { .. }) => {
            if let Some(Pending::Signal { name, .. }) = state.handles.remove(&handle) {
                remove_wait(state, &name, handle);
            }
            if state.timers.remove(&handle).is_some() {
                out.commands.push(Command::CancelTimer { handle });
            }
        }
        Some(Pending::Task(call)) => call.dropped = true,
        Some(Pending::Child { dropped, .. }) => *dropped = true,
        None => {}
    }
}

fn remove_wait(state: &mut ExecutionState, name: &str, handle: HandleId) {
    if let Some(waits) = state.signal_waits.get_mut(name) {
        waits.retain(|h| *h != handle);
        if waits.is_empty() {
            state.signal_waits.remove(name);
        }
    }
}

fn timer_due(state: &mut ExecutionState, handle: HandleId, now: EpochMillis) {
    if state.timers.remove(&handle).is_none() {
        return;
    }
    match state.handles.get(&handle) {
        Some(Pending::Timer { .. }) => settle(state, handle, Settlement::Fulfilled(Json::Null)),
        Some(Pending::Signal { name, since, .. }) => {
            let name = name.clone();
            let error = errors::signal_timeout(&name, now - since);
            remove_wait(state, &name, handle);
            settle(state, handle, Settlement::Rejected(error));
        }
        _ => {}
    }
}

fn signal_arrived(state: &mut ExecutionState, name: String, payload: Json, out: &mut Out) {
    let waiter = state
        .signal_waits
        .get_mut(&name)
        .and_then(|q| q.pop_front());
    match waiter {
        Some(handle) => {
            if state.signal_waits.get(&name).is_some_and(|q| q.is_empty()) {
                state.signal_waits.remove(&name);
            }
            if state.timers.remove(&handle).is_some() {
                out.commands.push(Command::CancelTimer { handle });
            }
            state.consumed_by.insert(handle, name);
            settle(state, handle, Settlement::Fulfilled(payload));
        }
        None => state.signals.entry(name).or_default().push_back(payload),
    }
}

/// An operator retry of a failed execution, applied to the state saved at its last await: a
/// new attempt of each task call that failed for good (a stale or unknown `(handle, attempt)`
/// is ignored, so an attempt never runs twice), a retry of each failed child still awaited,
/// and the timers started again. Withdrawn (dropped) work is left alone.
fn retry(
    state: &mut ExecutionState,
    failed_tasks: &[(HandleId, u32)],
    failed_children: &[HandleId],
    out: &mut Out,
) {
    for &(handle, attempt) in failed_tasks {
        if !state.is_current_attempt(handle, attempt) {
            continue;
        }
        if let Some(Pending::Task(call)) = state.handles.get_mut(&handle)
            && !call.dropped
        {
            call.attempt = attempt.saturating_add(1);
            out.commands.push(queue_command(handle, call, out.now));
        }
    }
    for &handle in failed_children {
        if let Some(Pending::Child { dropped: false, .. }) = state.handles.get(&handle) {
            out.commands.push(Command::RetryChild { handle });
        }
    }
    for (&handle, &fire_at) in &state.timers {
        out.commands.push(Command::StartTimer { handle, fire_at });
    }
}

/// A client cancel: every pending operation is withdrawn (attempts withdrawn, timers and
/// signal waits cancelled, children cancelled) and settles as `Cancelled` should cleanup code
/// await it; the VM gets `Delivery::Cancel` at its current await.
fn cancel(state: &mut ExecutionState, out: &mut Out) {
    state.cancel_requested = true;
    state.cancel_pending = true;
    for (handle, pending) in std::mem::take(&mut state.handles) {
        match pending {
            Pending::Task(call) => {
                out.commands.push(Command::WithdrawTask {
                    handle,
                    attempt: call.attempt,
                });
            }
            Pending::Timer { .. } | Pending::Signal { .. } => {
                if state.timers.remove(&handle).is_some() {
                    out.commands.push(Command::CancelTimer { handle });
                }
            }
            Pending::Child { .. } => out.commands.push(Command::CancelChild { handle }),
        }
        state
            .settled
            .push((handle, Settlement::Rejected(errors::cancelled())));
    }
    state.signal_waits.clear();
}

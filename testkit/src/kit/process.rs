//! How the kit carries out one scheduled item: it hands the engine the event the item stands
//! for, then carries out the commands the engine returns (starting task attempts and child
//! workflows, scheduling timers, recording calls, logs and the timeline).

use rhythm_engine::duration::format_duration;
use rhythm_engine::{ChildOutcome, Command, Event, Status, TaskAttempt};
use rhythm_interpreter::effects::{HandleId, Json};

use super::{Call, ExecId, Item, Kit, KitError};
use crate::stub::{StubCall, StubResult};
use crate::timeline::json_text;

impl Kit {
    pub(super) fn process(&mut self, item: Item) -> Result<(), KitError> {
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
    pub(super) fn is_stale(&self, item: &Item) -> bool {
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

    pub(super) fn apply(&mut self, exec: ExecId, event: Event) -> Result<(), KitError> {
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
}

//! The harness the rule tests share: a scripted run and helpers to read deliveries and commands.

use rhythm_engine::scripted::{self, Script, ScriptedVm, complete, fail, suspend, timer};
use rhythm_engine::{
    Command, Engine, EngineConfig, Event, ExecutionMeta, ExecutionState, Rejected, Vm,
};
use rhythm_interpreter::effects::{Delivery, HandleId, Request, Settlement, TaskOptions};
use serde_json::{Value as Json, json};

pub(crate) struct Run {
    pub(crate) engine: Engine,
    pub(crate) vm: ScriptedVm,
    pub(crate) state: ExecutionState,
    pub(crate) log: Vec<Command>,
}

impl Run {
    pub(crate) fn new(vm: ScriptedVm) -> Self {
        let meta = ExecutionMeta {
            execution_id: "e1".into(),
            workflow_name: "wf".into(),
            version: "v".into(),
            random_seed: 42,
        };
        Run {
            engine: Engine::new(EngineConfig { retry_jitter: 0.0 }),
            vm,
            state: ExecutionState::new(meta),
            log: Vec::new(),
        }
    }
    pub(crate) fn send(&mut self, event: Event, now: f64) -> Vec<Command> {
        let cmds = self.try_send(event, now).unwrap();
        self.log.extend(cmds.clone());
        cmds
    }
    pub(crate) fn try_send(&mut self, event: Event, now: f64) -> Result<Vec<Command>, Rejected> {
        self.engine
            .apply(&mut self.state, &self.vm as &dyn Vm, event, now)
    }
    pub(crate) fn start(&mut self) -> Vec<Command> {
        self.send(Event::Start { inputs: json!({}) }, 0.0)
    }
}

pub(crate) fn h(n: u32) -> HandleId {
    HandleId(n)
}

/// The value the script was handed for `handle` (or the error).
pub(crate) fn got(d: &[Delivery], handle: u32) -> Option<Result<Json, Json>> {
    d.iter().find_map(|d| match d {
        Delivery::Settled {
            handle: x,
            settlement,
        } if *x == h(handle) => Some(match settlement {
            Settlement::Fulfilled(v) => Ok(v.clone()),
            Settlement::Rejected(e) => Err(e.clone()),
        }),
        _ => None,
    })
}

/// await Task.run(name, {}, options); return its result (or throw its error).
pub(crate) fn one_task(options: TaskOptions) -> ScriptedVm {
    ScriptedVm::new(move |s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![Request::RunTask {
                    handle: h(1),
                    name: "pay".into(),
                    inputs: json!({ "x": 1 }),
                    options: options.clone(),
                }],
                &[1],
            )
        }
        _ => match got(d, 1) {
            Some(Ok(v)) => complete(v),
            Some(Err(e)) => fail(e),
            None => suspend(vec![], &[1]),
        },
    })
}

pub(crate) fn queued(cmds: &[Command]) -> Vec<(u32, u32, f64, Option<f64>)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::QueueTask(a) => Some((a.handle.0, a.attempt, a.run_at, a.timeout_at)),
            _ => None,
        })
        .collect()
}

/// Race a signal wait (1) against a timer (2); the loser is withdrawn; then wait for the signal again (3).
pub(crate) fn race_then_wait() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![scripted::signal(1, "go", None), timer(2, s.now + 1000.0)],
                &[1, 2],
            )
        }
        1 => {
            let first = match &d[0] {
                Delivery::Settled { handle, .. } => handle.0,
                Delivery::Cancel => 0,
            };
            s.vars.insert("winner".into(), json!(first));
            s.step = 2;
            let loser = if first == 1 { 2 } else { 1 };
            suspend(
                vec![scripted::withdraw(loser), scripted::signal(3, "go", None)],
                &[3],
            )
        }
        _ => match got(d, 3) {
            Some(Ok(v)) => complete(json!({ "winner": s.vars["winner"], "second": v })),
            _ => suspend(vec![], &[3]),
        },
    })
}

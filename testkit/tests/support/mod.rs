//! Scripted workflows for kit tests: a compiler whose "source" names a scripted program.

#![allow(dead_code)]

use std::sync::Arc;

use rhythm_engine::scripted::{Script, ScriptedVm, complete, fail, suspend};
use rhythm_interpreter::effects::{
    Delivery, HandleId, Request, RetryPolicy, Settlement, TaskOptions, WorkflowOptions,
};
use rhythm_testkit::{Compiler, Registry, SharedVm};
use serde_json::{Value as Json, json};

/// Compiles sources of the form `script NAME` (anything after the first line is ignored, so
/// several versions of one script can be told apart).
pub struct ScriptCompiler;

impl Compiler for ScriptCompiler {
    fn compile(&self, _name: &str, source: &str) -> Result<SharedVm, String> {
        let first = source.lines().next().unwrap_or_default();
        let Some(script) = first.strip_prefix("script ") else {
            return Err(format!("not a script: {first}"));
        };
        let vm = match script.trim() {
            "order" => order(),
            "retry" => retry(),
            "parent" => parent(),
            "child" => child(),
            "sleeper" => sleeper(),
            "forever" => forever(),
            "random" => random(),
            other => return Err(format!("no script named {other}")),
        };
        Ok(Arc::new(vm))
    }
}

pub fn registry() -> Registry {
    Registry::new(Arc::new(ScriptCompiler))
}

pub fn got(d: &[Delivery], handle: u32) -> Option<Result<Json, Json>> {
    d.iter().find_map(|d| match d {
        Delivery::Settled {
            handle: x,
            settlement,
        } if *x == HandleId(handle) => Some(match settlement {
            Settlement::Fulfilled(v) => Ok(v.clone()),
            Settlement::Rejected(e) => Err(e.clone()),
        }),
        _ => None,
    })
}

fn cancelled(d: &[Delivery]) -> bool {
    d.contains(&Delivery::Cancel)
}

/// process_order.flow, scripted.
fn order() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| {
        if cancelled(d) {
            return fail(rhythm_engine::errors::cancelled());
        }
        match s.step {
            0 => {
                s.step = 1;
                let inputs = json!({ "amount": s.inputs["total"], "userId": s.inputs["userId"] });
                suspend(
                    vec![rhythm_engine::scripted::task(1, "process-payment", inputs)],
                    &[1],
                )
            }
            1 => match got(d, 1) {
                Some(Ok(payment)) => {
                    s.log(format!("paid {}", payment["id"].as_str().unwrap_or("?")));
                    s.vars.insert("payment".into(), payment);
                    s.step = 2;
                    suspend(
                        vec![rhythm_engine::scripted::signal(
                            2,
                            "manager-approval",
                            Some(s.now + 48.0 * 3_600_000.0),
                        )],
                        &[2],
                    )
                }
                Some(Err(e)) => fail(e),
                None => suspend(vec![], &[1]),
            },
            2 => match got(d, 2) {
                Some(Ok(_)) => {
                    complete(json!({ "status": "shipped", "paymentId": s.vars["payment"]["id"] }))
                }
                Some(Err(_)) => {
                    s.step = 3;
                    suspend(
                        vec![rhythm_engine::scripted::task(
                            3,
                            "cancel-order",
                            json!({ "orderId": s.inputs["orderId"] }),
                        )],
                        &[3],
                    )
                }
                None => suspend(vec![], &[2]),
            },
            _ => match got(d, 3) {
                Some(Ok(v)) => complete(v),
                Some(Err(e)) => fail(e),
                None => suspend(vec![], &[3]),
            },
        }
    })
}

/// await Task.run("flaky", {}, { retries: { max: 2, initial: "1s", factor: 2 }, timeout: "5s" })
fn retry() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            let options = TaskOptions {
                retries: Some(RetryPolicy {
                    max: 2,
                    initial_ms: 1000.0,
                    factor: 2.0,
                    max_delay_ms: None,
                }),
                timeout_ms: Some(5000.0),
                ..TaskOptions::default()
            };
            suspend(
                vec![Request::RunTask {
                    handle: HandleId(1),
                    name: "flaky".into(),
                    inputs: json!({ "n": 1 }),
                    options,
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

/// return await Workflow.run("child", { from: "parent" })
fn parent() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| {
        if cancelled(d) {
            return fail(rhythm_engine::errors::cancelled());
        }
        match s.step {
            0 => {
                s.step = 1;
                suspend(
                    vec![Request::StartWorkflow {
                        handle: HandleId(1),
                        name: "child".into(),
                        inputs: json!({ "from": "parent" }),
                        options: WorkflowOptions::default(),
                    }],
                    &[1],
                )
            }
            _ => match got(d, 1) {
                Some(Ok(v)) => complete(json!({ "child": v })),
                Some(Err(e)) => fail(e),
                None => suspend(vec![], &[1]),
            },
        }
    })
}

/// return await Task.run("child-task", Inputs) — also waits for signal "go" first when Inputs.wait.
fn child() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| {
        if cancelled(d) {
            return fail(rhythm_engine::errors::cancelled());
        }
        match s.step {
            0 => {
                s.step = 1;
                suspend(
                    vec![rhythm_engine::scripted::task(
                        1,
                        "child-task",
                        s.inputs.clone(),
                    )],
                    &[1],
                )
            }
            _ => match got(d, 1) {
                Some(Ok(v)) => complete(v),
                Some(Err(e)) => fail(e),
                None => suspend(vec![], &[1]),
            },
        }
    })
}

/// await Timer.delay("1h"); console.log("woke"); return Date.now()
fn sleeper() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| match s.step {
        0 => {
            s.step = 1;
            suspend(
                vec![rhythm_engine::scripted::timer(1, s.now + 3_600_000.0)],
                &[1],
            )
        }
        _ => match got(d, 1) {
            Some(_) => {
                s.log("woke");
                complete(json!(s.now))
            }
            None => suspend(vec![], &[1]),
        },
    })
}

/// await Signal.next("never")
fn forever() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, d| {
        if cancelled(d) {
            return fail(rhythm_engine::errors::cancelled());
        }
        if s.step == 0 {
            s.step = 1;
            return suspend(
                vec![rhythm_engine::scripted::signal(1, "never", None)],
                &[1],
            );
        }
        match got(d, 1) {
            Some(Ok(v)) => complete(v),
            _ => suspend(vec![], &[1]),
        }
    })
}

/// return the execution's identity (stand-in for Math.random seeding checks).
fn random() -> ScriptedVm {
    ScriptedVm::new(|s: &mut Script, _| complete(json!({ "now": s.now })))
}

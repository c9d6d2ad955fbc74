//! The public API: suspension and resumption, deliveries, cancellation, races, limits,
//! saved-state errors and sizes.

mod common;

use rhythm_interpreter::{
    Delivery, HandleId, Limits, Outcome, Program, Request, RunContext, Settlement, StateError,
    resume, start, state_to_json,
};
use serde_json::json;

fn compile(src: &str) -> Program {
    Program::compile(src).unwrap_or_else(|e| panic!("{e:?}"))
}

fn ctx() -> RunContext {
    common::ctx("test")
}

fn requests(step: &rhythm_interpreter::Step) -> Vec<Request> {
    match &step.outcome {
        Outcome::Suspended { requests, .. } => requests.clone(),
        other => panic!("expected a suspension, got {other:?}"),
    }
}

fn error_type(step: &rhythm_interpreter::Step) -> String {
    match &step.outcome {
        Outcome::Failed { error } => error["type"].as_str().unwrap_or("").to_string(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn examples_run_to_completion() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flow") {
            continue;
        }
        n += 1;
        let src = std::fs::read_to_string(&path).unwrap();
        let program = compile(&src);
        let inputs = json!({"total": 42, "userId": "u1", "orderId": "o1", "email": "a@b.c",
            "plan": "pro", "teammates": ["x@b.c"], "amount": 10, "items": [1], "since": "2026-01-01"});
        let r = common::run_to_end(&program, inputs, &ctx());
        assert!(
            matches!(r.outcome, Outcome::Completed { .. }),
            "{}: {:?}",
            path.display(),
            r.outcome
        );
    }
    assert!(n >= 4);
}

#[test]
fn order_workflow_state_is_small() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/workflows/process_order.flow"),
    )
    .unwrap();
    let program = compile(&src);
    let step = start(
        &program,
        json!({"total": 42, "userId": "u1", "orderId": "o1"}),
        &ctx(),
    );
    let r = requests(&step);
    let Request::RunTask { handle, .. } = &r[0] else {
        panic!()
    };
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: *handle,
            settlement: Settlement::Fulfilled(json!({"id": "pay_123", "status": "ok"})),
        }],
        &ctx(),
    )
    .unwrap();
    assert!(matches!(requests(&step)[0], Request::WaitSignal { .. }));
    let size = step.state.as_ref().unwrap().len();
    assert!(size <= 1024, "state at the signal wait is {size} bytes");
    // The signal's timeout fires: the catch branch runs the compensation task.
    let Request::WaitSignal {
        handle, timeout_at, ..
    } = &requests(&step)[0]
    else {
        panic!()
    };
    assert_eq!(*timeout_at, Some(1_767_225_600_000.0 + 48.0 * 3_600_000.0));
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: *handle,
            settlement: Settlement::Rejected(json!({"type": "Timeout", "message": "timed out"})),
        }],
        &ctx(),
    )
    .unwrap();
    assert!(matches!(&requests(&step)[0], Request::RunTask { name, .. } if name == "cancel-order"));
}

#[test]
fn race_withdraws_the_losing_signal_wait() {
    let program = compile(
        "const r = await Promise.race([Signal.next(\"go\"), Timer.delay(\"1d\")])\nreturn r ?? \"timeout\"",
    );
    let step = start(&program, json!({}), &ctx());
    let reqs = requests(&step);
    assert_eq!(reqs.len(), 2);
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: HandleId(1),
            settlement: Settlement::Fulfilled(json!(null)),
        }],
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Completed {
            output: json!("timeout")
        }
    );
    assert_eq!(
        step.detached,
        vec![Request::Withdraw {
            handle: HandleId(0)
        }]
    );
}

#[test]
fn all_settles_in_arrival_order_and_reports_waiting_handles() {
    let program = compile(
        "const [a, b] = await Promise.all([Task.run(\"a\"), Task.run(\"b\")])\nreturn [a, b]",
    );
    let step = start(&program, json!({}), &ctx());
    match &step.outcome {
        Outcome::Suspended { waiting_on, .. } => {
            assert_eq!(waiting_on, &[HandleId(0), HandleId(1)])
        }
        o => panic!("{o:?}"),
    }
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: HandleId(1),
            settlement: Settlement::Fulfilled(json!(2)),
        }],
        &ctx(),
    )
    .unwrap();
    match &step.outcome {
        Outcome::Suspended {
            requests,
            waiting_on,
        } => {
            assert!(requests.is_empty());
            assert_eq!(waiting_on, &[HandleId(0)]);
        }
        o => panic!("{o:?}"),
    }
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: HandleId(0),
            settlement: Settlement::Fulfilled(json!(1)),
        }],
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Completed {
            output: json!([1, 2])
        }
    );
}

#[test]
fn cancellation_runs_finally_blocks() {
    let program = compile(
        "try {\n  await Task.run(\"work\")\n} finally {\n  await Task.run(\"cleanup\")\n}\nreturn 1",
    );
    let step = start(&program, json!({}), &ctx());
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Cancel],
        &ctx(),
    )
    .unwrap();
    assert!(matches!(&requests(&step)[0], Request::RunTask { name, .. } if name == "cleanup"));
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![Delivery::Settled {
            handle: HandleId(1),
            settlement: Settlement::Fulfilled(json!(null)),
        }],
        &ctx(),
    )
    .unwrap();
    assert_eq!(error_type(&step), "Cancelled");
}

#[test]
fn task_failures_throw_at_the_await() {
    let r = common::run_src(
        "try { await Task.run(\"fail-x\") } catch (e) { return [e.type, e.name, e.task, e.cause.message] }",
    );
    assert_eq!(
        common::outcome_text(&r),
        r#"["TaskFailed","TaskFailed","fail-x","boom"]"#
    );
}

#[test]
fn suspends_inside_nested_calls_and_callbacks() {
    let r = common::run_src(
        "async function a(x) { return await b(x) + 1 }\nasync function b(x) { const t = await Task.run(\"t\", { x }); return t.inputs.x * 2 }\nconst out = []\nfor (const x of [1, 2, 3]) out.push(await a(x))\nreturn out",
    );
    assert_eq!(common::outcome_text(&r), "[3,5,7]");
    assert_eq!(r.requests.len(), 3);
}

#[test]
fn infinite_loop_exceeds_the_instruction_budget() {
    let program = compile("let i = 0\nwhile (true) { i++ }");
    let mut c = ctx();
    c.limits.max_instructions = 1_000_000;
    let step = start(&program, json!({}), &c);
    assert_eq!(error_type(&step), "LimitExceeded");
    // The budget is per step: a loop that awaits keeps going.
    let program = compile(
        "for (let i = 0; i < 5; i++) { for (let j = 0; j < 100000; j++) {} await Timer.delay(1) }\nreturn \"done\"",
    );
    let r = common::run_to_end(&program, json!({}), &c);
    assert_eq!(common::outcome_text(&r), "\"done\"");
}

#[test]
fn deep_recursion_is_a_limit_not_a_crash() {
    let program = compile("function f(n) { return n === 0 ? 0 : 1 + f(n - 1) }\nreturn f(1000000)");
    let step = start(&program, json!({}), &ctx());
    assert_eq!(error_type(&step), "LimitExceeded");
    // Deep recursion inside callbacks too.
    let program = compile(
        "function g(n) { return n === 0 ? 0 : [n].map(x => g(x - 1))[0] }\nreturn g(100000)",
    );
    let step = start(&program, json!({}), &ctx());
    assert_eq!(error_type(&step), "LimitExceeded");
}

#[test]
fn heap_limit_stops_runaway_allocation() {
    let program = compile("const xs = []\nwhile (true) { xs.push({ a: [1, 2, 3] }) }");
    let mut c = ctx();
    c.limits.max_heap_bytes = 4 * 1024 * 1024;
    let step = start(&program, json!({}), &c);
    assert_eq!(error_type(&step), "LimitExceeded");
}

/// Strings and arrays grown past the heap limit fail the execution with `LimitExceeded`, which
/// `try`/`catch` cannot swallow; a string longer than JavaScript allows stays a catchable
/// `RangeError`, as in JavaScript.
#[test]
fn huge_strings_and_arrays_exceed_the_heap_limit() {
    let mut c = ctx();
    c.limits.max_heap_bytes = 1024 * 1024;
    for source in [
        "let s = \"x\"\nwhile (true) { s = s + s }",
        "try { return \"x\".repeat(2000000) } catch (e) { return e.message }",
        "try { return \"x\".padStart(2000000) } catch (e) { return e.message }",
        "let s = \"ab\"\ntry { while (true) { s = `${s}${s}` } } catch (e) { return e.message }",
        "const xs = []\ntry { while (true) { xs.push(1, 2, 3, 4) } } catch (e) { return 1 }",
        // Growth without many objects: long arrays from builtins, many distinct strings.
        "let xs = [1]\nwhile (true) { xs = xs.concat(xs) }",
        "const xs = []\nconst big = \"x\".repeat(10000)\nwhile (true) { xs.push(big + xs.length) }",
    ] {
        let step = start(&compile(source), json!({}), &c);
        assert_eq!(
            error_type(&step),
            "LimitExceeded",
            "{source}: {:?}",
            step.outcome
        );
        let Outcome::Failed { error } = &step.outcome else {
            unreachable!()
        };
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains("heap limit"), "{source}: {message}");
    }
    let step = start(
        &compile("try { \"x\".repeat(2 ** 30) } catch (e) { return e.name }"),
        json!({}),
        &ctx(),
    );
    assert_eq!(
        step.outcome,
        Outcome::Completed {
            output: json!("RangeError")
        }
    );
}

#[test]
fn saved_state_size_limit() {
    let program =
        compile("const big = \"x\".repeat(100000)\nawait Timer.delay(1)\nreturn big.length");
    let mut c = ctx();
    c.limits.max_state_bytes = 10_000;
    let step = start(&program, json!({}), &c);
    assert_eq!(error_type(&step), "LimitExceeded");
}

#[test]
fn uncaught_errors_carry_a_location() {
    let program = compile("const o = {}\n\nreturn o.a.b");
    let step = start(&program, json!({}), &ctx());
    match step.outcome {
        Outcome::Failed { error } => {
            assert_eq!(error["type"], "TypeError");
            assert_eq!(
                error["message"],
                "Cannot read properties of undefined (reading 'b')"
            );
            assert_eq!(error["location"]["line"], 3);
            assert_eq!(error["location"]["column"], 8);
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn values_leaving_the_vm_reject_functions() {
    let r = common::run_src(
        "try { await Task.run(\"t\", { f: () => 1 }) } catch (e) { return e.name }",
    );
    assert_eq!(common::outcome_text(&r), "\"TypeError\"");
    let r = common::run_src("return { d: new Date(0), u: undefined, n: NaN }");
    assert_eq!(
        common::outcome_text(&r),
        r#"{"d":"1970-01-01T00:00:00.000Z","n":null}"#
    );
}

#[test]
fn random_stream_survives_suspension() {
    let straight = common::run_src("return [Math.random(), Math.random(), Math.random()]");
    let split = common::run_src(
        "const a = Math.random()\nawait Timer.delay(1)\nconst b = Math.random()\nawait Task.run(\"t\")\nreturn [a, b, Math.random()]",
    );
    assert_eq!(
        common::outcome_text(&straight),
        common::outcome_text(&split)
    );
    let mut other = ctx();
    other.random_seed = 7;
    let program = compile("return Math.random()");
    let a = start(&program, json!({}), &ctx());
    let b = start(&program, json!({}), &other);
    assert_ne!(a.outcome, b.outcome);
}

#[test]
fn clock_and_context_come_from_the_run_context() {
    let r = common::run_src(
        "return [Date.now(), new Date().toISOString(), Context.executionId, Context.workflowName, Context.version.length]",
    );
    assert_eq!(
        common::outcome_text(&r),
        r#"[1767225600000,"2026-01-01T00:00:00.000Z","exec-1","test",64]"#
    );
}

#[test]
fn bad_state_bytes_are_errors_not_panics() {
    let program = compile("await Timer.delay(1)\nreturn 1");
    let other = compile("await Timer.delay(2)\nreturn 2");
    let step = start(&program, json!({}), &ctx());
    let bytes = step.state.unwrap();
    assert!(matches!(
        resume(&other, &bytes, vec![], &ctx()),
        Err(StateError::ProgramMismatch { .. })
    ));
    assert!(matches!(
        resume(&program, b"garbage", vec![], &ctx()),
        Err(StateError::BadBytes(_))
    ));
    let mut wrong_version = bytes.clone();
    wrong_version[4] = 99;
    assert!(matches!(
        resume(&program, &wrong_version, vec![], &ctx()),
        Err(StateError::WrongVersion { .. })
    ));
    let truncated = &bytes[..bytes.len() - 1];
    assert!(resume(&program, truncated, vec![], &ctx()).is_err());
    let view = state_to_json(&bytes).unwrap();
    assert_eq!(view["program_hash"], program.hash());
    assert!(view["state"]["frames"].is_array());
}

#[test]
fn compile_errors_carry_the_analyzer_diagnostics() {
    let e = Program::compile("const x = \nreturn y +").unwrap_err();
    assert!(!e.diagnostics.is_empty());
    let p = compile("return 1");
    let q = compile("return 1");
    assert_eq!(p.hash(), q.hash());
    assert_eq!(p.hash().len(), 64);
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Program>();
}

#[test]
fn default_limits_are_documented_values() {
    let l = Limits::default();
    assert_eq!(l.max_instructions, 100_000_000);
}

/// Un-awaited async calls run as concurrent branches (language.md §6): both branches make
/// their first request before the script suspends, and each advances when its result comes.
#[test]
fn async_calls_run_as_concurrent_branches() {
    let src = "async function branch(name) {\n  const a = await Task.run(name)\n  const b = await Task.run(name + \"-2\")\n  return b.task\n}\nreturn await Promise.all([branch(\"x\"), branch(\"y\")])";
    let analysis = rhythm_analyzer::analyze(src);
    let program = Program::from_module(src, &analysis.module).unwrap();
    let step = start(&program, json!({}), &ctx());
    let names = |step: &rhythm_interpreter::Step| -> Vec<String> {
        requests(step)
            .iter()
            .filter_map(|r| match r {
                Request::RunTask { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(names(&step), ["x", "y"]);
    match &step.outcome {
        Outcome::Suspended { waiting_on, .. } => {
            assert_eq!(waiting_on, &[HandleId(0), HandleId(1)])
        }
        o => panic!("{o:?}"),
    }
    let done = |h: u32| Delivery::Settled {
        handle: HandleId(h),
        settlement: Settlement::Fulfilled(json!({ "task": format!("t{h}") })),
    };
    // y's first task finishes first: y moves on while x still waits.
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![done(1)],
        &ctx(),
    )
    .unwrap();
    assert_eq!(names(&step), ["y-2"]);
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![done(0)],
        &ctx(),
    )
    .unwrap();
    assert_eq!(names(&step), ["x-2"]);
    let step = resume(
        &program,
        step.state.as_deref().unwrap(),
        vec![done(2), done(3)],
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Completed {
            output: json!(["t3", "t2"])
        }
    );
}

/// Work done inside builtins counts against the budget, so a loop of big builtin calls ends.
#[test]
fn builtin_work_counts_against_the_budget() {
    let program = compile(
        "const a = Array.from({ length: 20000 }, (_, i) => i)\nwhile (true) { a.slice().reverse().join(\",\") }",
    );
    let mut c = ctx();
    c.limits.max_instructions = 500_000;
    let step = start(&program, json!({}), &c);
    assert_eq!(error_type(&step), "LimitExceeded");
}

//! The execution state the engine keeps between events: serde data, stored by the shell.

use std::collections::{BTreeMap, VecDeque};

use rhythm_interpreter::effects::{EpochMillis, HandleId, Json, Settlement, TaskOptions};
use serde::{Deserialize, Serialize};

use crate::backoff::Prng;

/// Who an execution is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionMeta {
    /// Execution id.
    pub execution_id: String,
    /// Workflow name.
    pub workflow_name: String,
    /// The program version (content hash) the execution runs on.
    pub version: String,
    /// Seed of `Math.random` and of the engine's jitter.
    pub random_seed: u64,
}

/// Where an execution is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Created, not started.
    Created,
    /// Started and not ended (running or waiting).
    Running,
    /// Ended with an output.
    Completed {
        /// The output.
        output: Json,
    },
    /// Ended with an uncaught error.
    Failed {
        /// The error.
        error: Json,
    },
    /// Ended by an uncaught `Cancelled`.
    Cancelled {
        /// The error.
        error: Json,
    },
}

impl Status {
    /// Whether the execution has ended (terminal states never change).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Completed { .. } | Status::Failed { .. } | Status::Cancelled { .. }
        )
    }

    /// A short name: `created`, `running`, `completed`, `failed`, `cancelled`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Completed { .. } => "completed",
            Status::Failed { .. } => "failed",
            Status::Cancelled { .. } => "cancelled",
        }
    }
}

/// A task call in flight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCall {
    /// Task name.
    pub name: String,
    /// Task inputs.
    pub inputs: Json,
    /// Call options.
    pub options: TaskOptions,
    /// The current attempt (1-based).
    pub attempt: u32,
    /// The VM withdrew it: it keeps running and its result is dropped.
    pub dropped: bool,
}

/// What a pending handle waits on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// A task call.
    Task(TaskCall),
    /// A timer.
    Timer {
        /// When it fires.
        fire_at: EpochMillis,
    },
    /// A signal wait.
    Signal {
        /// Signal name.
        name: String,
        /// When the wait started.
        since: EpochMillis,
        /// When it gives up.
        timeout_at: Option<EpochMillis>,
    },
    /// A child execution.
    Child {
        /// Workflow name.
        name: String,
        /// The VM withdrew it: it keeps running and its result is dropped.
        dropped: bool,
    },
}

/// The whole state of one execution outside the VM, plus the VM's own state bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionState {
    /// Who the execution is.
    pub meta: ExecutionMeta,
    /// Where it is in its life.
    pub status: Status,
    /// The suspended VM, when running (hex text in human-readable formats such as JSON, raw
    /// bytes in binary ones). The state holds JSON values, so it is stored as JSON.
    #[serde(with = "vm_bytes")]
    pub vm_state: Option<Vec<u8>>,
    /// The handles the VM's current await needs.
    pub waiting_on: Vec<HandleId>,
    /// Pending handles and what each waits on.
    pub handles: BTreeMap<HandleId, Pending>,
    /// Settlements not yet handed to the VM, in arrival order (handed over once awaited).
    pub settled: Vec<(HandleId, Settlement)>,
    /// Signals received and not yet consumed, per name, in arrival order.
    pub signals: BTreeMap<String, VecDeque<Json>>,
    /// Active signal waits per name, oldest first.
    pub signal_waits: BTreeMap<String, VecDeque<HandleId>>,
    /// Signal waits settled with a consumed signal not yet handed to the VM (the signal name),
    /// so that withdrawing such a wait can put the signal back.
    pub consumed_by: BTreeMap<HandleId, String>,
    /// Timers the shell holds for this execution (timers and signal-wait timeouts).
    pub timers: BTreeMap<HandleId, EpochMillis>,
    /// A cancel was asked for.
    pub cancel_requested: bool,
    /// The cancel has not been handed to the VM yet.
    pub cancel_pending: bool,
    /// The engine's PRNG (retry jitter).
    pub rng: Prng,
}

impl ExecutionState {
    /// A new, not yet started execution.
    pub fn new(meta: ExecutionMeta) -> Self {
        let rng = Prng::seeded(meta.random_seed);
        ExecutionState {
            meta,
            status: Status::Created,
            vm_state: None,
            waiting_on: Vec::new(),
            handles: BTreeMap::new(),
            settled: Vec::new(),
            signals: BTreeMap::new(),
            signal_waits: BTreeMap::new(),
            consumed_by: BTreeMap::new(),
            timers: BTreeMap::new(),
            cancel_requested: false,
            cancel_pending: false,
            rng,
        }
    }

    /// The timers due at `now`, in firing order: by fire time, then handle.
    pub fn due_timers(&self, now: EpochMillis) -> Vec<HandleId> {
        let mut due: Vec<(EpochMillis, HandleId)> = self
            .timers
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(h, at)| (*at, *h))
            .collect();
        due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        due.into_iter().map(|(_, h)| h).collect()
    }

    /// The earliest pending timer, if any.
    pub fn next_timer(&self) -> Option<(EpochMillis, HandleId)> {
        self.timers
            .iter()
            .map(|(h, at)| (*at, *h))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
    }

    /// Whether `attempt` is the live attempt of task call `handle` (results of other attempts
    /// are ignored).
    pub fn is_current_attempt(&self, handle: HandleId, attempt: u32) -> bool {
        matches!(self.handles.get(&handle), Some(Pending::Task(t)) if t.attempt == attempt)
    }

    /// Serializes the state (JSON; stable field order, so equal states give equal bytes).
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// Reads a state written by [`ExecutionState::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// `Option<Vec<u8>>` as hex text for human-readable formats and as bytes otherwise.
mod vm_bytes {
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            None => s.serialize_none(),
            Some(b) if s.is_human_readable() => s.serialize_some(&hex::encode(b)),
            Some(b) => s.serialize_some(&serde_bytes_ref(b)),
        }
    }

    /// Serializes a byte slice with `serialize_bytes`.
    struct Bytes<'a>(&'a [u8]);

    impl serde::Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    fn serde_bytes_ref(b: &[u8]) -> Bytes<'_> {
        Bytes(b)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        if d.is_human_readable() {
            let text: Option<String> = Option::deserialize(d)?;
            text.map(|t| hex::decode(t).map_err(de::Error::custom))
                .transpose()
        } else {
            struct V;
            impl<'de> de::Visitor<'de> for V {
                type Value = Option<Vec<u8>>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("optional bytes")
                }
                fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    struct B;
                    impl de::Visitor<'_> for B {
                        type Value = Vec<u8>;
                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str("bytes")
                        }
                        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                            Ok(v.to_vec())
                        }
                        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                            Ok(v)
                        }
                    }
                    d.deserialize_bytes(B).map(Some)
                }
            }
            d.deserialize_option(V)
        }
    }
}

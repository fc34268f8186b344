//! Learning-rate schedules: torch.optim.lr_scheduler's closed forms, each kind declared once.
//!
//! An optimizer entry may take `schedule = { kind = "...", ... }`. Optimizer step k (0-based)
//! then uses the learning rate torch's scheduler gives after k calls of `scheduler.step()`: its
//! `_get_closed_form_lr` with `last_epoch = k`, written here in the same order of operations
//! (Python's `x ** n` is C's `pow`, as Rust's `powf` is), so the rates agree with torch's to the
//! last bit. The closed form is what torch's documentation states; its recursive `get_lr` drifts
//! from it by rounding, and for `CosineAnnealingLR` the closed form is periodic past `t_max`
//! (the rate climbs back to the base rate at 2·t_max).
//!
//! Each [`ScheduleKind`] declares its name, formula, doc and keys (with defaults and checked
//! ranges); the scene checker, the JSON Schema, `render --list` and the README's table read
//! these declarations. **Adding a schedule** is one more [`ScheduleKind`] here, its variant of
//! [`Schedule`], and its line in [`SCHEDULE_KINDS`].

use std::f64::consts::PI;

use crate::keys::{Absent, Key, KeyError, Range, Type, Value, Values};

/// A learning-rate schedule, every value checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// torch's `StepLR`: lr·γ^⌊k/step_size⌋.
    Step { step_size: u64, gamma: f64 },
    /// torch's `MultiStepLR`: lr·γ^(milestones ≤ k); `milestones` strictly increasing.
    MultiStep { milestones: Vec<u64>, gamma: f64 },
    /// torch's `ExponentialLR`: lr·γ^k.
    Exponential { gamma: f64 },
    /// torch's `CosineAnnealingLR`: η_min + (lr − η_min)·(1 + cos(π·k/t_max))/2.
    Cosine { t_max: u64, eta_min: f64 },
    /// torch's `LinearLR`: lr·(start + (end − start)·min(total_iters, k)/total_iters).
    Linear {
        start_factor: f64,
        end_factor: f64,
        total_iters: u64,
    },
    /// torch's `SequentialLR([LinearLR(start_factor, 1, warmup), CosineAnnealingLR(t_max,
    /// eta_min)], milestones=[warmup])`: a linear warm-up, then cosine annealing from step
    /// `warmup` on (the cosine counts its steps from there).
    WarmupCosine {
        warmup: u64,
        start_factor: f64,
        t_max: u64,
        eta_min: f64,
    },
}

impl Schedule {
    /// The learning rate of optimizer step `k` (0-based) for a base rate `base_lr`: torch's
    /// `_get_closed_form_lr()` after `k` calls of `scheduler.step()`, in its order of
    /// operations (Python's `a * b / c` is `(a * b) / c`; `x ** n` with an int n is `pow`).
    pub fn lr(&self, base_lr: f64, k: u64) -> f64 {
        match *self {
            // base_lr * self.gamma ** (self.last_epoch // self.step_size)
            Schedule::Step { step_size, gamma } => base_lr * gamma.powf((k / step_size) as f64),
            // base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
            Schedule::MultiStep {
                ref milestones,
                gamma,
            } => {
                let passed = milestones.partition_point(|&m| m <= k);
                base_lr * gamma.powf(passed as f64)
            }
            // base_lr * self.gamma ** self.last_epoch
            Schedule::Exponential { gamma } => base_lr * gamma.powf(k as f64),
            // self.eta_min + (base_lr - self.eta_min)
            //     * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            Schedule::Cosine { t_max, eta_min } => {
                eta_min + (base_lr - eta_min) * (1.0 + (PI * k as f64 / t_max as f64).cos()) / 2.0
            }
            // base_lr * (self.start_factor + (self.end_factor - self.start_factor)
            //     * min(self.total_iters, self.last_epoch) / self.total_iters)
            Schedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            } => {
                base_lr
                    * (start_factor
                        + (end_factor - start_factor) * total_iters.min(k) as f64
                            / total_iters as f64)
            }
            // SequentialLR steps the scheduler whose milestone is passed with last_epoch
            // counted from its milestone: each part's closed form, the second restarted.
            Schedule::WarmupCosine {
                warmup,
                start_factor,
                t_max,
                eta_min,
            } => {
                if k < warmup {
                    Schedule::Linear {
                        start_factor,
                        end_factor: 1.0,
                        total_iters: warmup,
                    }
                    .lr(base_lr, k)
                } else {
                    Schedule::Cosine { t_max, eta_min }.lr(base_lr, k - warmup)
                }
            }
        }
    }

    /// The kind this schedule is.
    pub fn kind(&self) -> &'static ScheduleKind {
        match self {
            Schedule::Step { .. } => &STEP,
            Schedule::MultiStep { .. } => &MULTISTEP,
            Schedule::Exponential { .. } => &EXPONENTIAL,
            Schedule::Cosine { .. } => &COSINE,
            Schedule::Linear { .. } => &LINEAR,
            Schedule::WarmupCosine { .. } => &WARMUP_COSINE,
        }
    }
}

/// A schedule kind, declared once.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleKind {
    /// `schedule = { kind = "..." }`.
    pub name: &'static str,
    /// torch's class (`StepLR`).
    pub torch: &'static str,
    /// lr at step k as text, for `render --list`, the schema and the README.
    pub formula: &'static str,
    /// One line: what the schedule does.
    pub doc: &'static str,
    /// Its keys besides `kind`.
    pub keys: &'static [Key],
    /// Makes the schedule from checked values of [`ScheduleKind::keys`] (defaults filled in).
    pub build: fn(&Values) -> Result<Schedule, KeyError>,
}

impl ScheduleKind {
    /// The declared key `name`, if the kind has it.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// Every schedule kind, in the order `render --list` and the README show them.
pub const SCHEDULE_KINDS: &[&ScheduleKind] = &[
    &STEP,
    &MULTISTEP,
    &EXPONENTIAL,
    &COSINE,
    &LINEAR,
    &WARMUP_COSINE,
];

/// Looks up a schedule kind by name.
pub fn schedule_kind(name: &str) -> Option<&'static ScheduleKind> {
    SCHEDULE_KINDS.iter().copied().find(|k| k.name == name)
}

/// A whole number of steps ≥ `min`, required.
const fn steps_key(name: &'static str, what: &'static str, doc: &'static str, min: f64) -> Key {
    Key::new(
        name,
        Type::Whole {
            range: Range::at_least(min),
            sweep: false,
        },
        what,
        doc,
    )
}

/// The decay factor γ of the step, multistep and exponential schedules.
const fn gamma(default: Absent, example: &'static str) -> Key {
    Key::new(
        "gamma",
        Type::Number {
            range: Range::above(0.0),
            sweep: false,
        },
        "decay factor γ",
        "The factor the learning rate is multiplied by at each decay.",
    )
    .symbol("γ")
    .absent(default)
    .example(example)
}

pub const STEP: ScheduleKind = ScheduleKind {
    name: "step",
    torch: "StepLR",
    formula: "lr·γ^⌊k/step_size⌋",
    doc: "Multiplies the learning rate by γ every step_size steps.",
    keys: &[
        steps_key(
            "step_size",
            "step size",
            "How many steps the learning rate stays the same between decays.",
            1.0,
        )
        .required("30"),
        gamma(Absent::Number(0.1), "0.1"),
    ],
    build: |v| {
        Ok(Schedule::Step {
            step_size: whole(v, "step_size"),
            gamma: v.number("gamma"),
        })
    },
};

pub const MULTISTEP: ScheduleKind = ScheduleKind {
    name: "multistep",
    torch: "MultiStepLR",
    formula: "lr·γ^(number of milestones ≤ k)",
    doc: "Multiplies the learning rate by γ at each milestone step.",
    keys: &[
        Key::new(
            "milestones",
            Type::WholeList {
                range: Range::at_least(0.0),
            },
            "milestone",
            "The steps at which the learning rate is multiplied by γ, increasing.",
        )
        .required("[30, 80]"),
        gamma(Absent::Number(0.1), "0.1"),
    ],
    build: |v| {
        let Some(Value::Wholes(milestones)) = v.get("milestones") else {
            panic!("no checked milestones: {:?}", v.get("milestones"))
        };
        Ok(Schedule::MultiStep {
            milestones: milestones.iter().map(|&m| m as u64).collect(),
            gamma: v.number("gamma"),
        })
    },
};

pub const EXPONENTIAL: ScheduleKind = ScheduleKind {
    name: "exponential",
    torch: "ExponentialLR",
    formula: "lr·γ^k",
    doc: "Multiplies the learning rate by γ at every step.",
    keys: &[gamma(Absent::Required, "0.95")],
    build: |v| {
        Ok(Schedule::Exponential {
            gamma: v.number("gamma"),
        })
    },
};

pub const COSINE: ScheduleKind = ScheduleKind {
    name: "cosine",
    torch: "CosineAnnealingLR",
    formula: "η_min + (lr − η_min)·(1 + cos(π·k/t_max))/2",
    doc: "Anneals the learning rate from lr down to eta_min along half a cosine over t_max \
          steps, and back up over the next t_max (the closed form is periodic).",
    keys: &[
        steps_key(
            "t_max",
            "half period",
            "The steps from the base learning rate down to eta_min.",
            1.0,
        )
        .required("100"),
        Key::number(
            "eta_min",
            "minimum learning rate",
            "The learning rate at t_max.",
            Range::at_least(0.0),
            0.0,
        )
        .symbol("η_min"),
    ],
    build: |v| {
        Ok(Schedule::Cosine {
            t_max: whole(v, "t_max"),
            eta_min: v.number("eta_min"),
        })
    },
};

pub const LINEAR: ScheduleKind = ScheduleKind {
    name: "linear",
    torch: "LinearLR",
    formula: "lr·(start_factor + (end_factor − start_factor)·min(total_iters, k)/total_iters)",
    doc: "Scales the learning rate linearly from start_factor·lr to end_factor·lr over \
          total_iters steps (a warm-up when start_factor < end_factor), then holds it.",
    keys: &[
        Key::number(
            "start_factor",
            "start factor",
            "The factor at step 0.",
            Range {
                min: crate::keys::Bound::Exclusive(0.0),
                max: crate::keys::Bound::Inclusive(1.0),
            },
            1.0 / 3.0,
        ),
        Key::number(
            "end_factor",
            "end factor",
            "The factor from step total_iters on.",
            Range::from_to(0.0, 1.0),
            1.0,
        ),
        steps_key(
            "total_iters",
            "number of steps",
            "The steps the factor takes to go from start_factor to end_factor.",
            1.0,
        )
        .absent(Absent::Whole(5)),
    ],
    build: |v| {
        Ok(Schedule::Linear {
            start_factor: v.number("start_factor"),
            end_factor: v.number("end_factor"),
            total_iters: whole(v, "total_iters"),
        })
    },
};

pub const WARMUP_COSINE: ScheduleKind = ScheduleKind {
    name: "warmup_cosine",
    torch: "SequentialLR(LinearLR, CosineAnnealingLR)",
    formula: "k < warmup: lr·(start_factor + (1 − start_factor)·k/warmup); \
              then η_min + (lr − η_min)·(1 + cos(π·(k − warmup)/t_max))/2",
    doc: "A linear warm-up from start_factor·lr to lr over `warmup` steps, then cosine \
          annealing down to eta_min over t_max steps.",
    keys: &[
        steps_key(
            "warmup",
            "warm-up steps",
            "The steps the rate takes to rise from start_factor·lr to lr.",
            1.0,
        )
        .absent(Absent::Whole(5)),
        Key::number(
            "start_factor",
            "start factor",
            "The factor at step 0.",
            Range {
                min: crate::keys::Bound::Exclusive(0.0),
                max: crate::keys::Bound::Inclusive(1.0),
            },
            0.1,
        ),
        steps_key(
            "t_max",
            "half period",
            "The steps from the end of the warm-up down to eta_min.",
            1.0,
        )
        .required("100"),
        Key::number(
            "eta_min",
            "minimum learning rate",
            "The learning rate at t_max steps after the warm-up.",
            Range::at_least(0.0),
            0.0,
        )
        .symbol("η_min"),
    ],
    build: |v| {
        Ok(Schedule::WarmupCosine {
            warmup: whole(v, "warmup"),
            start_factor: v.number("start_factor"),
            t_max: whole(v, "t_max"),
            eta_min: v.number("eta_min"),
        })
    },
};

/// The whole number `key` (checked ≥ 0, so the conversion is exact). Panics like
/// [`Values::number`] when the declaration has no such key.
fn whole(v: &Values, key: &str) -> u64 {
    match v.get(key) {
        Some(Value::Whole(n)) => *n as u64,
        other => panic!("no checked whole number `{key}`: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_declared_once_and_knows_itself() {
        let mut names: Vec<&str> = SCHEDULE_KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SCHEDULE_KINDS.len());
        let examples = [
            Schedule::Step {
                step_size: 3,
                gamma: 0.5,
            },
            Schedule::MultiStep {
                milestones: vec![2, 5],
                gamma: 0.5,
            },
            Schedule::Exponential { gamma: 0.9 },
            Schedule::Cosine {
                t_max: 10,
                eta_min: 0.0,
            },
            Schedule::Linear {
                start_factor: 0.5,
                end_factor: 1.0,
                total_iters: 4,
            },
            Schedule::WarmupCosine {
                warmup: 3,
                start_factor: 0.1,
                t_max: 10,
                eta_min: 0.0,
            },
        ];
        for (s, kind) in examples.iter().zip(SCHEDULE_KINDS) {
            assert_eq!(s.kind().name, kind.name);
            // At step 0 every schedule but the warm-up runs at the base rate.
            let lr0 = s.lr(0.2, 0);
            assert!(
                lr0 == 0.2 || ["linear", "warmup_cosine"].contains(&kind.name),
                "{s:?}: {lr0}"
            );
        }
    }

    /// The warm-up then cosine: torch's SequentialLR, each part's closed form with the cosine's
    /// steps counted from the milestone (hand-worked: lr 0.2, warm-up 4 from 0.1·lr, t_max 8).
    #[test]
    fn warmup_cosine_is_a_linear_ramp_then_a_restarted_cosine() {
        let s = Schedule::WarmupCosine {
            warmup: 4,
            start_factor: 0.1,
            t_max: 8,
            eta_min: 0.0,
        };
        let lr = |k| s.lr(0.2, k);
        assert!((lr(0) - 0.02).abs() < 1e-15);
        assert!((lr(2) - 0.2 * (0.1 + 0.9 * 2.0 / 4.0)).abs() < 1e-15);
        assert_eq!(lr(4), 0.2, "the cosine starts at the base rate");
        assert!((lr(8) - 0.1).abs() < 1e-15, "half-way down at t_max/2");
        assert!(lr(12).abs() < 1e-15, "eta_min at t_max after the warm-up");
    }
}

//! What theory says about momentum on quadratics: the numbers behind the course's figures.
//!
//! On f = ½λw² (one curvature λ, or each eigen-direction of a quadratic) every method here is a
//! linear two-step recurrence w_{t+1} = a·w_t − b·w_{t−1}, so its iteration matrix is
//! [[a, −b], [1, 0]] and its convergence factor is the spectral radius ρ = max |r| over the roots
//! of r² − a·r + b = 0. With h = lr·λ:
//!
//! - heavy ball (PyTorch and velocity forms alike): a = 1 + β − h, b = β; stable iff
//!   0 < h < 2(1 + β) (for 0 ≤ β < 1);
//! - Nesterov (look-ahead and PyTorch forms alike): a = (1 + β)(1 − h), b = β(1 − h); stable
//!   iff 0 < h < 2(1 + β)/(1 + 2β);
//! - gradient descent is heavy ball with β = 0: ρ = |1 − h|.
//!
//! A quadratic with curvatures λ_min ≤ λ_max converges at the worst of its two directions.
//! Polyak's optimal heavy ball: lr* = 4/(√λ_max + √λ_min)², β* = ((√κ − 1)/(√κ + 1))², rate
//! (√κ − 1)/(√κ + 1), with κ = λ_max/λ_min; the best gradient descent rate is (κ − 1)/(κ + 1).
//! Nesterov's constants lr = 1/λ_max, β = (√κ − 1)/(√κ + 1) give the rate 1 − 1/√κ: on λ_min
//! the roots of r² − a·r + b = 0 coincide at r = (1 + β)(1 − 1/κ)/2 = 1 − 1/√κ, and on every
//! larger curvature they are a complex pair of modulus √(β(1 − lr·λ)), smaller still. (These
//! are the constants of Nesterov's method for strongly convex functions in general; on a
//! quadratic a slightly larger lr and smaller β do a little better, which the rate chart's
//! Nesterov curve shows.)

/// Which two-step method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    HeavyBall,
    Nesterov,
}

/// The recurrence coefficients (a, b) of `method` with step h = lr·λ and momentum β.
pub fn coefficients(method: Method, h: f64, beta: f64) -> (f64, f64) {
    match method {
        Method::HeavyBall => (1.0 + beta - h, beta),
        Method::Nesterov => ((1.0 + beta) * (1.0 - h), beta * (1.0 - h)),
    }
}

/// The spectral radius of [[a, −b], [1, 0]]: the largest |r| with r² − a·r + b = 0.
pub fn spectral_radius(a: f64, b: f64) -> f64 {
    let disc = a * a - 4.0 * b;
    if disc >= 0.0 {
        let s = disc.sqrt();
        ((a + s) / 2.0).abs().max(((a - s) / 2.0).abs())
    } else {
        // Complex pair: |r|² = r·r̄ = b.
        b.abs().sqrt()
    }
}

/// The convergence factor of `method` on one curvature.
pub fn rate(method: Method, lr: f64, beta: f64, lambda: f64) -> f64 {
    let (a, b) = coefficients(method, lr * lambda, beta);
    spectral_radius(a, b)
}

/// The worst convergence factor over the curvatures of a quadratic.
pub fn worst_rate(method: Method, lr: f64, beta: f64, curvatures: (f64, f64)) -> f64 {
    rate(method, lr, beta, curvatures.0).max(rate(method, lr, beta, curvatures.1))
}

/// The largest stable learning rate for curvature λ (the ρ = 1 boundary).
pub fn max_stable_lr(method: Method, beta: f64, lambda: f64) -> f64 {
    match method {
        Method::HeavyBall => 2.0 * (1.0 + beta) / lambda,
        Method::Nesterov => 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lambda),
    }
}

/// Polyak's optimal heavy ball for curvatures (λ_min, λ_max): (lr*, β*, rate).
pub fn optimal_heavy_ball(curvatures: (f64, f64)) -> (f64, f64, f64) {
    let (mu, l) = curvatures;
    let (sm, sl) = (mu.sqrt(), l.sqrt());
    let lr = 4.0 / (sl + sm).powi(2);
    let q = (sl - sm) / (sl + sm);
    (lr, q * q, q)
}

/// The best gradient-descent step 2/(λ_min + λ_max) and its rate (κ − 1)/(κ + 1).
pub fn optimal_gd(curvatures: (f64, f64)) -> (f64, f64) {
    let (mu, l) = curvatures;
    (2.0 / (mu + l), (l - mu) / (l + mu))
}

/// Nesterov's classical constants for curvatures (λ_min, λ_max): the step 1/L = 1/λ_max and
/// the momentum (√κ − 1)/(√κ + 1) with κ = λ_max/λ_min, and the rate 1 − 1/√κ they give on
/// the quadratic (see the module's notes; tested against the recurrence). Returns (lr, β,
/// rate).
pub fn optimal_nesterov(curvatures: (f64, f64)) -> (f64, f64, f64) {
    let (mu, l) = curvatures;
    let sk = (l / mu).sqrt();
    let lr = 1.0 / l;
    let beta = (sk - 1.0) / (sk + 1.0);
    (lr, beta, 1.0 - 1.0 / sk)
}

/// The best worst-case rate over learning rates for a fixed β (a search over lr on a fine grid
/// refined twice around the best point). Returns (lr, rate).
pub fn best_rate_for_beta(method: Method, beta: f64, curvatures: (f64, f64)) -> (f64, f64) {
    let upper = max_stable_lr(method, beta, curvatures.1);
    let (mut lo, mut hi) = (0.0, upper);
    let mut best = (0.0, f64::INFINITY);
    for _ in 0..3 {
        let n = 400;
        for i in 1..n {
            let lr = lo + (hi - lo) * i as f64 / n as f64;
            let r = worst_rate(method, lr, beta, curvatures);
            if r < best.1 {
                best = (lr, r);
            }
        }
        let width = (hi - lo) / n as f64 * 2.0;
        lo = (best.0 - width).max(0.0);
        hi = (best.0 + width).min(upper);
    }
    best
}

/// How a heavy ball on one curvature settles, from the discriminant of its characteristic
/// equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damping {
    /// Real, distinct roots: no oscillation (at most one sign change).
    Over,
    /// A double root: the fastest non-oscillating approach.
    Critical,
    /// A complex pair: the iterates spiral in, overshooting.
    Under,
}

/// The damping regime of heavy ball with h = lr·λ and β (critical within `tol` of the boundary).
pub fn damping(h: f64, beta: f64, tol: f64) -> Damping {
    let (a, b) = coefficients(Method::HeavyBall, h, beta);
    let disc = a * a - 4.0 * b;
    if disc.abs() <= tol {
        Damping::Critical
    } else if disc > 0.0 {
        Damping::Over
    } else {
        Damping::Under
    }
}

/// The β that makes heavy ball critically damped for h = lr·λ < 1: (1 − √h)².
pub fn critical_beta(h: f64) -> f64 {
    (1.0 - h.sqrt()).powi(2)
}

/// The heavy-ball iterates w_0, w_1, ... on f = ½λw² from w_0 (velocity form, v_0 = 0).
pub fn heavy_ball_path(lr: f64, beta: f64, lambda: f64, w0: f64, steps: usize) -> Vec<f64> {
    let mut w = vec![w0];
    let mut v = 0.0;
    for _ in 0..steps {
        let last = w[w.len() - 1];
        v = beta * v - lr * lambda * last;
        w.push(last + v);
    }
    w
}

/// The exponentially weighted moving average v_t = β·v_{t−1} + (1 − β)·x_t from v_0 = 0, and
/// its bias-corrected form v_t/(1 − βᵗ), for t = 1, 2, ...
pub fn ewma(xs: &[f64], beta: f64) -> (Vec<f64>, Vec<f64>) {
    let mut v = 0.0;
    let mut plain = Vec::with_capacity(xs.len());
    let mut corrected = Vec::with_capacity(xs.len());
    for (t, &x) in xs.iter().enumerate() {
        v = beta * v + (1.0 - beta) * x;
        plain.push(v);
        corrected.push(v / (1.0 - beta.powi(t as i32 + 1)));
    }
    (plain, corrected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    #[test]
    fn spectral_radius_is_the_growth_of_the_recurrence() {
        // Iterate the recurrence itself and compare the long-run growth with ρ.
        for method in [Method::HeavyBall, Method::Nesterov] {
            for (h, beta) in [(0.1, 0.5), (0.5, 0.9), (1.5, 0.3), (0.02, 0.0), (1.9, 0.95)] {
                let (a, b) = coefficients(method, h, beta);
                let rho = spectral_radius(a, b);
                let (mut w0, mut w1) = (1.0f64, 0.7f64);
                let n = 4000;
                let mut log_growth = 0.0;
                for _ in 0..n {
                    let w2 = a * w1 - b * w0;
                    w0 = w1;
                    w1 = w2;
                    let scale = w0.abs().max(w1.abs());
                    if scale > 0.0 {
                        log_growth += scale.ln();
                        w0 /= scale;
                        w1 /= scale;
                    }
                }
                let measured = (log_growth / n as f64).exp();
                assert!(
                    close(measured, rho, 2e-3),
                    "{method:?} h={h} β={beta}: {measured} vs {rho}"
                );
            }
        }
    }

    #[test]
    fn the_rho_equals_one_boundary_is_the_textbook_bound() {
        for beta in [0.0, 0.3, 0.5, 0.9, 0.99] {
            for method in [Method::HeavyBall, Method::Nesterov] {
                let lambda = 10.0;
                let edge = max_stable_lr(method, beta, lambda);
                assert!(
                    rate(method, edge * 0.999, beta, lambda) < 1.0,
                    "{method:?} β={beta}"
                );
                assert!(
                    rate(method, edge * 1.001, beta, lambda) > 1.0,
                    "{method:?} β={beta}"
                );
            }
            // Heavy ball: 0 < lr < 2(1 + β)/λ (seed 003).
            assert!(close(
                max_stable_lr(Method::HeavyBall, beta, 1.0),
                2.0 * (1.0 + beta),
                1e-15
            ));
        }
        // With β = 0.5, Nesterov's largest stable step is half of heavy ball's (seed 003).
        let ratio =
            max_stable_lr(Method::Nesterov, 0.5, 1.0) / max_stable_lr(Method::HeavyBall, 0.5, 1.0);
        assert!(close(ratio, 0.5, 1e-15));
    }

    #[test]
    fn polyak_optimum_and_the_kappa_100_numbers() {
        // κ = 100 (x² + 100y²: curvatures 2 and 200): rates 0.98 without and 0.82 with momentum
        // (seed 001), β* = (9/11)² ≈ 0.669.
        let c = (2.0, 200.0);
        let (lr, beta, r) = optimal_heavy_ball(c);
        assert!(close(r, 9.0 / 11.0, 1e-12) && (r - 0.82).abs() < 0.005);
        assert!(close(beta, 81.0 / 121.0, 1e-12));
        assert!(
            close(optimal_gd(c).1, 99.0 / 101.0, 1e-12) && (optimal_gd(c).1 - 0.98).abs() < 0.001
        );
        // At the optimum the worst-case spectral radius is the predicted rate.
        assert!(close(worst_rate(Method::HeavyBall, lr, beta, c), r, 1e-9));
        // And no nearby (lr, β) does better.
        for (dl, db) in [(1.01, 1.0), (0.99, 1.0), (1.0, 1.01), (1.0, 0.99)] {
            assert!(worst_rate(Method::HeavyBall, lr * dl, beta * db, c) >= r - 1e-12);
        }
        // The numerical search over lr agrees with Polyak at β*.
        let (_, best) = best_rate_for_beta(Method::HeavyBall, beta, c);
        assert!((best - r).abs() < 1e-4, "{best} vs {r}");
        // With β = 0 the search finds gradient descent's best rate.
        let (_, gd) = best_rate_for_beta(Method::HeavyBall, 0.0, c);
        assert!((gd - optimal_gd(c).1).abs() < 1e-4);
    }

    /// The spectral radius of [[a, −b], [1, 0]] measured without solving its characteristic
    /// equation: the growth per step of w_{t+1} = a·w_t − b·w_{t−1} over the second half of
    /// `n` steps (the first half lets the largest root take over; a double root's extra
    /// factor t then costs only 2·ln 2/n).
    fn measured_radius(a: f64, b: f64, n: usize) -> f64 {
        let (mut w0, mut w1) = (1.0f64, 0.7f64);
        let mut log_growth = 0.0;
        for t in 0..n {
            let w2 = a * w1 - b * w0;
            w0 = w1;
            w1 = w2;
            let scale = w0.abs().max(w1.abs());
            if scale == 0.0 {
                return 0.0;
            }
            if t >= n / 2 {
                log_growth += scale.ln();
            }
            w0 /= scale;
            w1 /= scale;
        }
        (log_growth / (n - n / 2) as f64).exp()
    }

    #[test]
    fn nesterov_constants_converge_at_one_minus_one_over_root_kappa() {
        for (mu, l) in [
            (1.0, 25.0),
            (2.0, 200.0),
            (0.32, 4.15),
            (1.0, 4.0),
            (0.5, 5000.0),
        ] {
            let kappa = l / mu;
            let (lr, beta, rate) = optimal_nesterov((mu, l));
            assert!(close(lr, 1.0 / l, 1e-15));
            let sk = kappa.sqrt();
            assert!(close(beta, (sk - 1.0) / (sk + 1.0), 1e-15));
            assert!(close(rate, 1.0 - 1.0 / sk, 1e-15), "κ = {kappa}: {rate}");
            // The theory module's own worst case over the two curvatures agrees...
            let theory = worst_rate(Method::Nesterov, lr, beta, (mu, l));
            assert!(close(theory, rate, 1e-6), "κ = {kappa}: {theory} vs {rate}");
            // ...and so does the recurrence's spectral radius, measured, as the worst over
            // every curvature between λ_min and λ_max, reached at λ_min.
            let measured: Vec<f64> = (0..=100)
                .map(|i| mu + (l - mu) * f64::from(i) / 100.0)
                .map(|lambda| {
                    let (a, b) = coefficients(Method::Nesterov, lr * lambda, beta);
                    measured_radius(a, b, 40_000)
                })
                .collect();
            let worst = measured.iter().copied().fold(0.0, f64::max);
            assert!(close(worst, rate, 5e-4), "κ = {kappa}: {worst} vs {rate}");
            assert!(close(measured[0], rate, 5e-4));
            // On a quadratic the best lr for this β does at least as well (the rate chart's
            // Nesterov curve passes through or under the constants' point).
            let (_, best) = best_rate_for_beta(Method::Nesterov, beta, (mu, l));
            assert!(best <= rate + 1e-9, "κ = {kappa}: {best} vs {rate}");
            // Slower than Polyak's heavy ball, faster than the best gradient descent.
            assert!(optimal_heavy_ball((mu, l)).2 < rate && rate < optimal_gd((mu, l)).1);
        }
        // The course's κ = 25: ρ = 0.8 at lr = 0.04, β = 2/3.
        let (lr, beta, rate) = optimal_nesterov((1.0, 25.0));
        assert!(close(lr, 0.04, 1e-15) && close(beta, 2.0 / 3.0, 1e-15) && close(rate, 0.8, 1e-15));
    }

    #[test]
    fn damping_regimes_and_the_critical_beta() {
        let h = 0.04;
        let b = critical_beta(h);
        assert!(close(b, 0.64, 1e-12));
        assert_eq!(damping(h, b, 1e-12), Damping::Critical);
        assert_eq!(damping(h, 0.3, 1e-12), Damping::Over);
        assert_eq!(damping(h, 0.9, 1e-12), Damping::Under);
        // Under-damped paths change sign again and again; over-damped ones do not.
        let signs = |w: &[f64]| w.windows(2).filter(|p| p[0] * p[1] < 0.0).count();
        assert!(signs(&heavy_ball_path(0.04, 0.9, 1.0, 1.0, 200)) >= 5);
        assert!(signs(&heavy_ball_path(0.04, 0.3, 1.0, 1.0, 200)) <= 1);
        assert!(signs(&heavy_ball_path(0.04, b, 1.0, 1.0, 200)) <= 1);
    }

    #[test]
    fn ewma_walkthrough_of_the_course_notes() {
        // β = 0.9, v0 = 0, x1 = 30 → v1 = 3; x2 = 17 → v2 = 4.4 (seed 002).
        let (v, corrected) = ewma(&[30.0, 17.0], 0.9);
        assert!(close(v[0], 3.0, 1e-15) && close(v[1], 4.4, 1e-15));
        // Bias correction undoes the pull towards v0 = 0: the first value is x1 itself.
        assert!(close(corrected[0], 30.0, 1e-15));
        assert!(close(corrected[1], 4.4 / (1.0 - 0.81), 1e-15));
    }
}

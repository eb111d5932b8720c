# Generates the hybrid step-mode trajectory reference for irls-streams' golden tests.
# Run from this directory: Rscript make_hybrid_ref.R   (R 4.2.2, base R only; no packages needed)
#
# Data: the shared fixture synth_p5 (../data/synth_p5.csv.gz, 100,000 rows, one model key) cut into
# 100 windows of 1000 consecutive rows. Hybrid with warm-up 2 and gamma 1: windows 1-2 are renewable,
# windows 3-100 newton. P_0 = 1e-6 I (all six coefficients, intercept included), b_0 = 0.
#   renewable window t: b_t = argmax loglik_t(b) - 1/2 (b - b_{t-1})' gamma P_{t-1} (b - b_{t-1}),
#     by Newton from b_{t-1} until every |step| < 1e-13; P_t = gamma P_{t-1} + H_t(b_t).
#   newton window t: H, g at b_{t-1}; P_t = gamma P_{t-1} + H; b_t = b_{t-1} + P_t^-1 g.
#   SE_t = sqrt(diag(P_t^-1)).
# Writes hybrid_synth_p5_trajectory.csv (window, b0..b5, se0..se5), every number as %.17g.
# Cross-checks, by other routes: the renewable windows against optim(BFGS) on the same penalised
# objective (and their SEs against optimHess there), the newton windows against the same step taken
# as one weighted least-squares fit (lm.wfit's QR, as in glm.fit), and the recursion with warm-up 0
# against the shared fixtures' sequential reference (../ref/sequential_synth_p5_trajectory.csv).

window_rows <- 1000
windows <- 100
warmup <- 2
gamma <- 1
p0 <- 1e-6

df <- read.csv(gzfile("../data/synth_p5.csv.gz"))
stopifnot(nrow(df) == window_rows * windows, length(unique(df$model)) == 1)
X <- cbind(1, as.matrix(df[, paste0("x", 1:5)]))
y <- df$y
d <- ncol(X)

# The window's information H and score g at b (weights 1, no offset).
info_score <- function(Xw, yw, b) {
  mu <- plogis(drop(Xw %*% b))
  list(H = crossprod(Xw, Xw * (mu * (1 - mu))), g = drop(crossprod(Xw, yw - mu)))
}
loglik <- function(Xw, yw, b) {
  eta <- drop(Xw %*% b)
  sum(yw * plogis(eta, log.p = TRUE) + (1 - yw) * plogis(-eta, log.p = TRUE))
}

renewable_step <- function(Xw, yw, m, Q) {
  b <- m
  for (it in 1:100) {
    s <- info_score(Xw, yw, b)
    step <- solve(s$H + Q, s$g - drop(Q %*% (b - m)))
    b <- b + step
    if (max(abs(step)) < 1e-13) break
  }
  stopifnot(max(abs(step)) < 1e-13)
  list(b = b, P = Q + info_score(Xw, yw, b)$H)
}

newton_step <- function(Xw, yw, m, Q) {
  s <- info_score(Xw, yw, m)
  P <- Q + s$H
  list(b = m + solve(P, s$g), P = P)
}

# Second computations, by other routes: BFGS on the penalised objective from b = 0 (renewable), and the
# newton step as one weighted least-squares fit of the working response augmented by the prior's rows
# (R'R = gamma P_{t-1}, response R b_{t-1}), whose normal equations are the step's.
check_renewable <- function(Xw, yw, m, Q, b) {
  obj <- function(bb) -(loglik(Xw, yw, bb) - 0.5 * drop(crossprod(bb - m, Q %*% (bb - m))))
  grad <- function(bb) {
    mu <- plogis(drop(Xw %*% bb))
    -(drop(crossprod(Xw, yw - mu)) - drop(Q %*% (bb - m)))
  }
  o <- optim(rep(0, length(b)), obj, grad, method = "BFGS", control = list(reltol = 1e-15, maxit = 1000))
  o <- optim(o$par, obj, grad, method = "BFGS", control = list(reltol = 0, maxit = 1000))
  # the precision P_t = gamma P_{t-1} + H_t(b_t) is the objective's Hessian there, differentiated numerically
  se <- sqrt(diag(solve(optimHess(o$par, obj, grad))))
  c(coefficients = max(abs(o$par - b)), se = max(abs(se / sqrt(diag(solve(Q + info_score(Xw, yw, b)$H))) - 1)))
}
check_newton <- function(Xw, yw, m, Q, b) {
  eta <- drop(Xw %*% m)
  mu <- plogis(eta)
  v <- mu * (1 - mu)
  z <- eta + (yw - mu) / v
  R <- chol(Q)
  fit <- lm.wfit(rbind(Xw, R), c(z, drop(R %*% m)), c(v, rep(1, nrow(R))))
  max(abs(fit$coefficients - b))
}

# The trajectory with `warm` renewable windows first; `check` also compares every window with the
# second computations.
trajectory <- function(warm, check) {
  b <- rep(0, d)
  P <- diag(p0, d)
  out <- matrix(NA_real_, windows, 2 * d)
  for (t in 1:windows) {
    rows <- ((t - 1) * window_rows + 1):(t * window_rows)
    Xw <- X[rows, , drop = FALSE]
    yw <- y[rows]
    Q <- gamma * P
    if (t <= warm) {
      s <- renewable_step(Xw, yw, b, Q)
      if (check) {
        r <- check_renewable(Xw, yw, b, Q, s$b)
        worst["renewable"] <<- max(worst["renewable"], r["coefficients"])
        worst["renewable_se"] <<- max(worst["renewable_se"], r["se"])
      }
    } else {
      s <- newton_step(Xw, yw, b, Q)
      if (check) worst["newton"] <<- max(worst["newton"], check_newton(Xw, yw, b, Q, s$b))
    }
    b <- s$b
    P <- s$P
    out[t, ] <- c(b, sqrt(diag(solve(P))))
  }
  out
}

worst <- c(renewable = 0, renewable_se = 0, newton = 0)
out <- trajectory(warmup, check = TRUE)
sequential <- read.csv("../ref/sequential_synth_p5_trajectory.csv")
sequential <- as.matrix(sequential[sequential$gamma == 1, -(1:2)])
worst_sequential <- max(abs(trajectory(0, check = FALSE) / sequential - 1))
cat(sprintf(paste("largest difference to the second computation: renewable windows %.3g in the coefficients",
                  "(optim BFGS) and %.3g relative in the SEs (optimHess), newton windows %.3g (lm.wfit);",
                  "warm-up 0 against the sequential reference: %.3g relative\n"),
            worst["renewable"], worst["renewable_se"], worst["newton"], worst_sequential))
stopifnot(worst["renewable"] < 1e-6, worst["renewable_se"] < 1e-5, worst["newton"] < 1e-10,
          worst_sequential < 1e-9)

cells <- apply(out, 1, function(r) paste(sprintf("%.17g", r), collapse = ","))
writeLines(c(paste(c("window", paste0("b", 0:(d - 1)), paste0("se", 0:(d - 1))), collapse = ","),
             paste0(1:windows, ",", cells)),
           "hybrid_synth_p5_trajectory.csv")

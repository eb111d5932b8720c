# Generates extra glm(binomial) references for irls-streams' golden tests.
# Run from this directory: Rscript make_refs.R   (R 4.2.2, base stats only; no packages needed)
# Each case writes <case>.csv (header model,y[,weight][,offset],x1..xp) and <case>.json with the
# glm_tight block in the same layout as the shared fixtures: epsilon 1e-14, maxit 100, then one more
# fit started at the converged coefficients so that the standard errors are evaluated at the MLE.

num <- function(v) {
  if (length(v) == 0) return("[]")
  s <- ifelse(is.na(v), "null", sprintf("%.17g", v))
  paste0("[", paste(s, collapse = ", "), "]")
}
str_arr <- function(v) if (length(v) == 0) "[]" else paste0("[", paste0('"', v, '"', collapse = ", "), "]")
bool_arr <- function(v) paste0("[", paste(ifelse(v, "true", "false"), collapse = ", "), "]")

tight_fit <- function(df, has_w, has_o) {
  xs <- grep("^x", names(df), value = TRUE)
  f0 <- as.formula(paste("y ~", paste(xs, collapse = " + ")))
  # As the shared fixtures do: the aliased columns are the ones glm() drops with its default control
  # (whose QR tolerance is min(1e-7, epsilon / 1000)); the tight fit is refitted without them.
  fit0 <- suppressWarnings(glm(f0, family = binomial, data = df,
                               weights = if (has_w) df$weight else NULL, offset = if (has_o) df$offset else NULL))
  all_names <- names(coef(fit0))
  kept <- xs[!(xs %in% all_names[is.na(coef(fit0))])]
  f <- as.formula(paste("y ~", if (length(kept)) paste(kept, collapse = " + ") else "1"))
  w <- if (has_w) df$weight else NULL
  o <- if (has_o) df$offset else NULL
  warns <- character(0)
  handler <- function(w) {
    call <- conditionCall(w)
    fn <- if (is.null(call)) "" else paste0(deparse(call[[1]]), ": ")
    warns <<- c(warns, paste0(fn, conditionMessage(w)))
    invokeRestart("muffleWarning")
  }
  fit1 <- withCallingHandlers(
    glm(f, family = binomial, data = df, weights = w, offset = o,
        control = glm.control(epsilon = 1e-14, maxit = 100)), warning = handler)
  warns1 <- unique(warns)
  warns <- character(0)
  start <- coef(fit1); start[is.na(start)] <- 0
  fit2 <- if (fit1$converged) withCallingHandlers(
    glm(f, family = binomial, data = df, weights = w, offset = o, start = start[!is.na(coef(fit1))],
        control = glm.control(epsilon = 1e-14, maxit = 100)), warning = handler) else fit1
  list(fit = fit2, warnings = warns1, converged = fit1$converged, iterations = fit1$iter, all_names = all_names)
}

write_case <- function(name, df, has_w = FALSE, has_o = FALSE, description = "") {
  cols <- c("model", "y", if (has_w) "weight", if (has_o) "offset", grep("^x", names(df), value = TRUE))
  write.csv(df[, cols], paste0(name, ".csv"), row.names = FALSE, quote = FALSE)
  keys <- unique(df$model)
  blocks <- character(0)
  for (k in keys) {
    sub <- df[df$model == k, ]
    r <- tight_fit(sub, has_w, has_o)
    fit <- r$fit
    s <- summary(fit)
    cf <- setNames(rep(NA_real_, length(r$all_names)), r$all_names)
    cf[names(coef(fit))] <- coef(fit)
    aliased <- is.na(cf)
    tab <- matrix(NA_real_, length(cf), 4)
    tab[!aliased, ] <- s$coefficients[, 1:4]
    v <- matrix(NA_real_, length(cf), length(cf))
    v[!aliased, !aliased] <- vcov(fit)
    ll <- logLik(fit)
    block <- paste0(
      '    "', k, '": {\n',
      '      "coef_names": ', str_arr(c("intercept", names(cf)[-1])), ',\n',
      '      "coefficients": ', num(cf), ',\n',
      '      "std_errors": ', num(tab[, 2]), ',\n',
      '      "z_values": ', num(tab[, 3]), ',\n',
      '      "p_values": ', num(tab[, 4]), ',\n',
      '      "aliased": ', bool_arr(aliased), ',\n',
      '      "rank": ', fit$rank, ',\n',
      '      "null_deviance": ', sprintf("%.17g", fit$null.deviance), ',\n',
      '      "residual_deviance": ', sprintf("%.17g", fit$deviance), ',\n',
      '      "df_null": ', fit$df.null, ',\n',
      '      "df_residual": ', fit$df.residual, ',\n',
      '      "loglik": ', sprintf("%.17g", as.numeric(ll)), ',\n',
      '      "aic": ', sprintf("%.17g", AIC(fit)), ',\n',
      '      "iterations": ', r$iterations, ',\n',
      '      "converged": ', tolower(as.character(r$converged)), ',\n',
      '      "warnings": ', str_arr(r$warnings), ',\n',
      '      "vcov": [', paste(apply(v, 1, num), collapse = ", "), ']\n',
      '    }')
    blocks <- c(blocks, block)
  }
  json <- paste0('{\n  "case": "', name, '",\n  "description": "', description, '",\n',
                 '  "r_version": "', R.version.string, '",\n',
                 '  "glm_tight": {\n', paste(blocks, collapse = ",\n"), '\n  }\n}\n')
  writeLines(json, paste0(name, ".json"))
}

sigmoid <- function(e) 1 / (1 + exp(-e))

# 1. offsets (log exposure), three keys of different sizes
set.seed(101)
mk <- function(key, n, b) {
  x1 <- round(rnorm(n), 4); x2 <- round(runif(n, -2, 2), 4); off <- round(rnorm(n, 0, 0.7), 4)
  y <- rbinom(n, 1, sigmoid(off + b[1] + b[2] * x1 + b[3] * x2))
  data.frame(model = key, y = y, offset = off, x1 = x1, x2 = x2)
}
df <- rbind(mk("campaign-a", 800, c(-1, 0.7, -0.4)), mk("campaign-b", 150, c(0.5, -0.2, 1.1)),
            mk("campaign-c", 3000, c(-2, 0.3, 0.3)))
df <- df[sample(nrow(df)), ]
write_case("offset_keys", df, has_o = TRUE, description = "three interleaved keys with offsets")

# 2. proportions with trial counts as weights (R's loglik carries the binomial coefficients)
set.seed(102)
n <- 120; x1 <- round(rnorm(n), 3); m <- sample(1:30, n, replace = TRUE)
k <- rbinom(n, m, sigmoid(-0.3 + 0.9 * x1))
write_case("proportions", data.frame(model = "proportions", y = k / m, weight = m, x1 = x1), has_w = TRUE,
           description = "y = successes / trials with the trial count as weight")

# 3. non-integer weights (R warns and rounds in its log-likelihood)
set.seed(103)
n <- 300; x1 <- round(rnorm(n), 3); x2 <- round(rnorm(n), 3)
y <- rbinom(n, 1, sigmoid(0.2 + x1 - 0.5 * x2)); w <- round(runif(n, 0.2, 3), 3)
write_case("fractional_weights", data.frame(model = "fractional_weights", y = y, weight = w, x1 = x1, x2 = x2),
           has_w = TRUE, description = "0/1 response with non-integer weights")

# 4. extreme feature scales and a feature with a large mean
set.seed(104)
n <- 1000; z1 <- rnorm(n); z2 <- rnorm(n); z3 <- rnorm(n)
y <- rbinom(n, 1, sigmoid(-0.5 + 0.8 * z1 - 0.6 * z2 + 0.4 * z3))
write_case("extreme_scales", data.frame(model = "extreme_scales", y = y, x1 = signif(z1 * 1e-6, 6),
           x2 = signif(z2 * 1e6, 6), x3 = round(1000 + z3, 4)),
           description = "x1 ~ 1e-6, x2 ~ 1e6, x3 = 1000 + N(0,1)")

# 5. rare events
set.seed(105)
n <- 20000; x1 <- round(rnorm(n), 4); x2 <- round(rnorm(n), 4)
y <- rbinom(n, 1, sigmoid(-6 + 0.8 * x1 + 0.5 * x2))
write_case("rare_events", data.frame(model = "rare_events", y = y, x1 = x1, x2 = x2),
           description = "about 0.5% positives")

# 6. quasi-complete separation: y = 1 when x1 > 0, y = 0 when x1 < 0, mixed on the boundary x1 = 0
set.seed(106)
n <- 300; x1 <- sample(-2:2, n, replace = TRUE); x2 <- round(rnorm(n), 4)
y <- ifelse(x1 > 0, 1, ifelse(x1 < 0, 0, rbinom(n, 1, sigmoid(0.3 * x2))))
write_case("quasi_separation", data.frame(model = "quasi_separation", y = y, x1 = x1, x2 = x2),
           description = "quasi-complete separation along x1")

# 7. two aliasing patterns: a multiple and an affine copy of an earlier column
set.seed(107)
n <- 400; x1 <- round(rnorm(n), 4); x5 <- round(rnorm(n), 4)
y <- rbinom(n, 1, sigmoid(-0.2 + 0.9 * x1 - 0.6 * x5))
write_case("aliasing", data.frame(model = "aliasing", y = y, x1 = x1, x2 = 2 * x1, x3 = x5,
           x4 = x1 + 3), description = "x2 = 2 x1, x4 = x1 + 3 (aliased with x1 and the intercept)")

# 8. awkward keys in one file: tiny, zero weights, all-zero response, a large-mean feature
set.seed(108)
mk8 <- function(key, n, y_fun, w_fun = function(n) rep(1, n), shift = 0) {
  x1 <- round(rnorm(n) + shift, 4); x2 <- round(rnorm(n), 4)
  data.frame(model = key, y = y_fun(n, x1, x2), weight = w_fun(n), x1 = x1, x2 = x2)
}
df <- rbind(
  mk8("tiny", 6, function(n, a, b) c(0, 1, 0, 1, 1, 0)),
  mk8("zero-weights", 200, function(n, a, b) rbinom(n, 1, sigmoid(0.5 * a - b)),
      function(n) sample(c(0, 1, 2, 3), n, replace = TRUE)),
  mk8("all-zero", 60, function(n, a, b) rep(0, n)),
  mk8("large-mean", 500, function(n, a, b) rbinom(n, 1, sigmoid(0.8 * (a - 1e4) - 0.3 * b)), shift = 1e4))
df <- df[sample(nrow(df)), ]
write_case("awkward_keys", df, has_w = TRUE, description = "tiny, zero weights, all-zero response, large-mean feature")

package io.github.irls.http;

/**
 * One arm weighed by {@code POST /choose}: the linear predictor and probability at the context of
 * one draw from the arm's posterior.
 *
 * @param key the arm's model key
 * @param version the model version the draw came from
 * @param eta {@code b~ . x~} for the drawn coefficients {@code b~}
 * @param probability its logistic function
 * @param stale whether a standby copy answered for the arm
 */
record ArmDraw(String key, long version, double eta, double probability, boolean stale) {}

package io.github.irls.client;

/**
 * A predicted probability with its 95% interval, and the model version it came from.
 *
 * <p>The interval is the delta-method interval on the logit scale, mapped through the logistic
 * function: {@code sigmoid(eta -+ 1.959963984540054 * se)} with {@code eta = b . x~}, {@code se^2
 * = x~' Sigma x~} and {@code x~ = [1, x]}. With the published covariance {@code Sigma} it is {@code
 * exact}; without it (the update carried standard errors only) {@code Sigma} is taken as {@code
 * diag(se_j^2)}, which ignores the correlation of the coefficients, and {@code exact} is false.
 *
 * @param model the model key
 * @param version the version of the update used
 * @param probability {@code sigmoid(eta)}
 * @param ci95Low lower end of the 95% interval of the probability
 * @param ci95High upper end
 * @param linearPredictor {@code eta = b . x~} (the logit of the probability)
 * @param linearPredictorSe the standard error of {@code eta}
 * @param exact whether the full published covariance was used (false: the diagonal only)
 */
public record Prediction(
    String model,
    long version,
    double probability,
    double ci95Low,
    double ci95High,
    double linearPredictor,
    double linearPredictorSe,
    boolean exact) {}

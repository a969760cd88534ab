# Independent reference values for tests/test_stays.py (Kaplan-Meier and Cox).
# Run: Rscript tests/reference/km/reference.R  (from the project root; R is not needed in CI)
# Writes tests/reference/km/*.csv. R 4.2.2, survival 3.5-3, MASS (gehan data).
suppressMessages({library(survival); library(MASS)})
out <- "tests/reference/km"

# Freireich et al. (1963) 6-MP remission data, as MASS::gehan (Gehan 1965; pairs of patients)
data(gehan, package = "MASS")
write.csv(gehan, file.path(out, "gehan.csv"), row.names = FALSE)
mp <- subset(gehan, treat == "6-MP")
fit <- survfit(Surv(time, cens) ~ 1, data = mp, conf.type = "log-log")
km <- data.frame(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
                 survival = fit$surv, std_err = fit$std.err * fit$surv,
                 lower = fit$lower, upper = fit$upper)
write.csv(km, file.path(out, "gehan_6mp_km.csv"), row.names = FALSE)
q <- quantile(fit, probs = 0.5)
rm <- summary(fit, rmean = "common")$table
cox_e <- coxph(Surv(time, cens) ~ I(treat == "control"), data = gehan, ties = "efron")
cox_b <- coxph(Surv(time, cens) ~ I(treat == "control"), data = gehan, ties = "breslow")
ce <- summary(cox_e)$conf.int; cb <- summary(cox_b)$conf.int
vals <- data.frame(
  quantity = c("median_6mp", "median_6mp_lower", "rmean_6mp", "rmean_6mp_se",
               "cox_efron_hr", "cox_efron_lower", "cox_efron_upper", "cox_efron_coef_se",
               "cox_breslow_hr", "cox_breslow_lower", "cox_breslow_upper"),
  value = c(q$quantile, q$lower, rm["rmean"], rm["se(rmean)"],
            ce[1, "exp(coef)"], ce[1, "lower .95"], ce[1, "upper .95"], sqrt(cox_e$var[1, 1]),
            cb[1, "exp(coef)"], cb[1, "lower .95"], cb[1, "upper .95"]))
write.csv(vals, file.path(out, "gehan_values.csv"), row.names = FALSE)

# survival::aml (Embury et al. 1977; Miller 1981), maintained arm, with delayed entry
# (an artificial entry time of 2 weeks for every third patient) to check left truncation.
am <- subset(aml, x == "Maintained")
am$entry <- ifelse(seq_len(nrow(am)) %% 3 == 0, 2, 0)
write.csv(am, file.path(out, "aml_maintained.csv"), row.names = FALSE)
f2 <- survfit(Surv(entry, time, status) ~ 1, data = am)
write.csv(data.frame(time = f2$time, n_risk = f2$n.risk, n_event = f2$n.event,
                     survival = f2$surv),
          file.path(out, "aml_entry_km.csv"), row.names = FALSE)
cat(capture.output(print(fit), print(cox_e), print(f2), sessionInfo()),
    file = file.path(out, "R_output.txt"), sep = "\n")

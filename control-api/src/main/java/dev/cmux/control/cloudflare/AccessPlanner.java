package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * Plans the Access part of {@code tunnel setup --access-allow}: the allow policy, the app that links it, and the
 * gateway config that names the team and the app's AUD tag. Reads only; what cannot be done here (a config file
 * that cannot be edited) becomes a blocker, so that nothing changes at Cloudflare either.
 */
record AccessPlanner(CloudflareClient client, AccessApplication application, AccessSetup setup) {

    void plan(TunnelSite site, List<SetupStep> steps, List<String> blockers) {
        String accountId = site.accountId();
        String team = client.accessTeamName(accountId);
        AccessPolicyRequest wanted = new AccessPolicyRequest(application.allowPolicyName(), AccessPolicyRequest.ALLOW,
                setup.allow().includeRules());
        Optional<AccessPolicy> policy = client.accessPolicyNamed(accountId, wanted.name());
        if (policy.isEmpty() || !policy.get().sameAs(wanted)) {
            steps.add(new SetupStep.SaveAccessPolicy(policy, wanted, setup.allow()));
        }
        String policyId = policy.map(AccessPolicy::id).orElse(null);
        Optional<AccessApp> app = client.accessAppsFor(accountId, application.domain()).stream().findFirst();
        if (app.isEmpty() || policyId == null || !application.isDone(app.get(), policyId)) {
            steps.add(new SetupStep.SaveAccessApp(application, app, policyId));
        }
        String aud = app.map(AccessApp::aud).orElse(null);
        Optional<String> config = configFile(blockers);
        if (config.isPresent()
                && (aud == null || !AccessSettingsFile.holds(config.get(), new AccessSettingsFile.Settings(team, aud)))) {
            steps.add(new SetupStep.WriteAccessSettings(setup.configFile(), team, aud));
            steps.add(new SetupStep.ReloadGateway(setup.reload()));
        }
    }

    /** The config file's text when setup can edit it; else a blocker says why and the result is empty. */
    private Optional<String> configFile(List<String> blockers) {
        String why;
        try {
            Optional<String> text = Files.isRegularFile(setup.configFile())
                    ? AtomicFiles.read(setup.configFile()) : Optional.empty();
            Optional<String> problem = text.isEmpty() ? Optional.of("it does not exist")
                    : AccessSettingsFile.problem(text.get())
                    .or(() -> AtomicFiles.whyNotReplaceable(setup.configFile()));
            if (problem.isEmpty()) {
                return text;
            }
            why = problem.get();
        } catch (IOException e) {
            why = "it cannot be read (" + e.getMessage() + ")";
        }
        blockers.add("The gateway config " + setup.configFile() + " cannot take the Access settings: " + why + ".");
        return Optional.empty();
    }
}

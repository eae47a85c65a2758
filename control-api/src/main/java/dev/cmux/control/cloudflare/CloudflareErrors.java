package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.util.List;

/** Turns a failed call into one sentence that says what went wrong and what to change. */
final class CloudflareErrors {

    private CloudflareErrors() {
    }

    static CloudflareApiException fromResponse(String action, Permission needed, int status, List<ApiError> errors) {
        return new CloudflareApiException(sentence(action, needed, status, errors), status, errors);
    }

    static CloudflareApiException unreachable(String action, String host, IOException cause) {
        return new CloudflareApiException("Could not reach the Cloudflare API at " + host + " to " + action
                + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + "); check the network and CF_API_URL.", cause);
    }

    private static String sentence(String action, Permission needed, int status, List<ApiError> errors) {
        String codes = codes(status, errors);
        if (has(errors, 9106) || has(errors, 6003) || has(errors, 6111)) {
            return "Cloudflare did not accept the Authorization header while trying to " + action
                    + ": CF_API_TOKEN must be an API token (not a Global API Key) " + codes + ".";
        }
        // 1000 alone is not enough: some tunnel-not-found answers reuse it with 404
        if (status == 401 || has(errors, 9109)) {
            return "Cloudflare rejected the API token while trying to " + action
                    + ": it is invalid, expired or revoked; create a new one and set CF_API_TOKEN " + codes + ".";
        }
        if (has(errors, 9999)) {
            return "Cloudflare Access is not enabled for this account (Zero Trust has no team yet), so cmux-gateway cannot "
                    + action + ": choose a team name once under Zero Trust in the Cloudflare dashboard " + codes + ".";
        }
        if (status == 403) {
            return "Cloudflare refused to " + action + ": the API token lacks the permission " + needed.label()
                    + "; add it to the token in the Cloudflare dashboard " + codes + ".";
        }
        if (status == 429) {
            return "Cloudflare rate-limited this API token while trying to " + action
                    + "; wait five minutes and run the command again " + codes + ".";
        }
        if (has(errors, 7003) || has(errors, 7000) || has(errors, 1003)) {
            return "Cloudflare does not know the account or zone used to " + action
                    + "; check CF_ACCOUNT_ID and CF_ZONE_ID " + codes + ".";
        }
        String said = errors.isEmpty() ? "no reason given" : errors.get(0).message();
        return "Cloudflare could not " + action + ": " + said + " " + codes + ".";
    }

    private static boolean has(List<ApiError> errors, int code) {
        return errors.stream().anyMatch(e -> e.hasCode(code));
    }

    private static String codes(int status, List<ApiError> errors) {
        StringBuilder sb = new StringBuilder("(HTTP ").append(status);
        if (!errors.isEmpty()) {
            sb.append(", code ").append(errors.get(0).code());
        }
        return sb.append(')').toString();
    }
}

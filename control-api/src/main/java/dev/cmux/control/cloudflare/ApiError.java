package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One entry of an envelope's {@code errors} or {@code messages} array. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiError(int code, String message,
                       @JsonProperty("error_chain") List<ApiError> errorChain) {

    /** This error and the ones chained under it, for code lookups. */
    boolean hasCode(int wanted) {
        if (code == wanted) {
            return true;
        }
        return errorChain != null && errorChain.stream().anyMatch(e -> e.hasCode(wanted));
    }
}

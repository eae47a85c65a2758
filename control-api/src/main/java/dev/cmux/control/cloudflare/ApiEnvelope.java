package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Every Cloudflare v4 response: {@code {success, errors, messages, result, result_info}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record ApiEnvelope(boolean success, List<ApiError> errors, List<ApiError> messages, JsonNode result,
                   @JsonProperty("result_info") ResultInfo resultInfo) {

    List<ApiError> errorList() {
        return errors == null ? List.of() : errors;
    }

    /** Pagination block of list endpoints. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ResultInfo(int page, @JsonProperty("per_page") int perPage, int count,
                      @JsonProperty("total_count") int totalCount, @JsonProperty("total_pages") int totalPages) {
    }
}

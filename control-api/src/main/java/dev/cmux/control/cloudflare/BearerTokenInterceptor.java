package dev.cmux.control.cloudflare;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/** Adds {@code Authorization: Bearer} to every call; the token lives only here. */
record BearerTokenInterceptor(String token) implements Interceptor {

    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder()
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .build());
    }

    @Override
    public String toString() {
        return "BearerTokenInterceptor[token=<redacted>]";
    }
}

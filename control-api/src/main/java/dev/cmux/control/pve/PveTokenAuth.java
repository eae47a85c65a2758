package dev.cmux.control.pve;

import okhttp3.Interceptor;
import okhttp3.Response;

import java.io.IOException;

/** Adds {@code Authorization: PVEAPIToken=user@realm!id=secret}. API tokens need no ticket and no CSRF token. */
final class PveTokenAuth implements Interceptor {

    private final String header;

    PveTokenAuth(String token) {
        this.header = "PVEAPIToken=" + token;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().header("Authorization", header).build());
    }

    @Override
    public String toString() {
        return "PveTokenAuth[<redacted>]";
    }
}

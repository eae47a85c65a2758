package dev.cmux.gateway.config;

/**
 * @param maxRequestLine longest request line accepted (414 beyond)
 * @param maxHeaderSize  all request headers together (431 beyond)
 */
public record Limits(int maxRequestLine, int maxHeaderSize) {

    public static Limits defaults() {
        return new Limits(16 * 1024, 32 * 1024);
    }
}

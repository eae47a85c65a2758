package dev.cmux.gateway.backend;

/** The exchange using a backend connection: told everything the backend says, and when it goes. */
public interface BackendListener {

    /** A response head, a body part or a decoder failure; the listener releases it. */
    void onBackendMessage(Object msg);

    /** The end of one read batch: the time to flush what was passed on. */
    void onBackendReadComplete();

    void onBackendWritabilityChanged();

    /** The connection closed or failed ({@code cause} null for a plain close). */
    void onBackendClosed(Throwable cause);
}

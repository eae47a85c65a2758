package dev.cmux.gateway.exchange;

/** Where an exchange is in its story. It only moves on, but for the end of a 1xx, which awaits the response again. */
enum Phase {
    /** Checked, and on its way to a backend: Access, resolving, waking, connecting. */
    CONNECTING,
    /** Sent (or being sent) to the backend; no response head yet. */
    AWAITING_RESPONSE,
    /** A 1xx was passed on; the final response is still to come. */
    INFORMATIONAL,
    /** The backend agreed to switch protocols; its 101 ends, then the relay takes both connections. */
    SWITCHING,
    /** The final response head went to the client; its body streams. */
    STREAMING,
    /** Over: answered, failed, handed to the relay, or abandoned by the client. Nothing more happens. */
    DONE;

    /** The client has seen response bytes: a failure can no longer be answered, only cut short. */
    boolean answering() {
        return this == INFORMATIONAL || this == SWITCHING || this == STREAMING;
    }
}

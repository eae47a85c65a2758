package dev.cmux.control.api;

/** The {@code {vmid}} of a path: PVE's range 100-999999999, else 400 before PVE is asked anything. */
final class Vmid {

    private Vmid() {
    }

    static int of(ApiExchange exchange) {
        String text = exchange.pathParam("vmid");
        if (text != null && text.matches("[1-9][0-9]{2,8}")) {
            return Integer.parseInt(text);
        }
        throw ApiError.badRequest("bad-vmid", "A sandbox id is a number from 100 to 999999999, not '" + text + "'.",
                null);
    }
}

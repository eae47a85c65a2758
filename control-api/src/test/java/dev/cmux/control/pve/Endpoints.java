package dev.cmux.control.pve;

import java.util.List;
import java.util.Map;

/** The emulator's routing table: schema path template to the cluster operation that answers it. */
final class Endpoints {

    /** Data plus the top-level {@code total} that the task log answer carries. */
    record WithTotal(Object data, int total) {
    }

    private Endpoints() {
    }

    static Object dispatch(EmulatedCluster cluster, String route, Map<String, String> vars,
                           Map<String, String> params) {
        int vmid = vars.containsKey("vmid") ? Integer.parseInt(vars.get("vmid")) : 0;
        String upid = vars.get("upid");
        cluster.refuseIfArmed(route);
        EmulatedImages images = cluster.images;
        return switch (route) {
            case "GET /version" -> cluster.release.startsWith("8.")
                    ? Map.of("version", "8.4.1", "release", "8.4", "repoid", "2a5fa54a8503f96d")
                    : Map.of("version", "9.2.11", "release", "9.2", "repoid", "14a22df35955d97d");
            case "GET /nodes" -> cluster.read(() -> cluster.nodes.list(false));
            case "GET /access/permissions" -> cluster.permissions(params.get("path"));
            case "GET /nodes/{node}/dns" -> Map.of("search", "lan", "dns1", "10.10.0.1");
            case "GET /cluster/nextid" -> cluster.nextId(params.get("vmid"));
            case "GET /cluster/resources" -> cluster.resources(params.get("type"));
            case "GET /storage" -> cluster.read(() -> cluster.storage.all().stream()
                    .filter(s -> params.get("type") == null || params.get("type").equals(s.type()))
                    .map(EmulatedStorage.Storage::config).toList());
            case "GET /nodes/{node}/lxc" -> cluster.list();
            case "POST /nodes/{node}/lxc/{vmid}/clone" -> images.clone(vmid, params);
            case "GET /nodes/{node}/lxc/{vmid}/config" -> cluster.config(vmid);
            case "PUT /nodes/{node}/lxc/{vmid}/config" -> {
                cluster.updateConfig(vmid, params);
                yield null;
            }
            case "GET /nodes/{node}/lxc/{vmid}/status/current" -> cluster.currentStatus(vmid);
            case "POST /nodes/{node}/lxc/{vmid}/status/start" -> cluster.statusAction(vmid, "start");
            case "POST /nodes/{node}/lxc/{vmid}/status/stop" -> cluster.statusAction(vmid, "stop");
            case "POST /nodes/{node}/lxc/{vmid}/status/shutdown" -> cluster.statusAction(vmid, "shutdown");
            case "POST /nodes/{node}/lxc/{vmid}/status/suspend" -> cluster.statusAction(vmid, "suspend");
            case "POST /nodes/{node}/lxc/{vmid}/status/resume" -> cluster.statusAction(vmid, "resume");
            case "DELETE /nodes/{node}/lxc/{vmid}" -> cluster.destroy(vmid, params);
            case "GET /nodes/{node}/lxc/{vmid}/interfaces" -> cluster.interfaces(vmid);
            case "GET /nodes/{node}/storage" -> cluster.read(() -> cluster.storage.list(cluster.nodes.here(),
                    params.get("content"), params.get("storage")));
            case "POST /nodes/{node}/lxc/{vmid}/migrate" -> cluster.migration.container(vmid, params);
            case "POST /nodes/{node}/qemu/{vmid}/migrate" -> cluster.migration.vm(vmid, params);
            case "GET /nodes/{node}/lxc/{vmid}/feature" -> images.feature(vmid, params.get("feature"),
                    params.get("snapname"));
            case "GET /nodes/{node}/lxc/{vmid}/snapshot" -> images.snapshots(vmid);
            case "POST /nodes/{node}/lxc/{vmid}/snapshot" -> images.createSnapshot(vmid, params.get("snapname"),
                    params.get("description"));
            case "DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}" -> images.deleteSnapshot(vmid,
                    vars.get("snapname"));
            case "POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback" -> images.rollback(vmid,
                    vars.get("snapname"), "1".equals(params.get("start")));
            case "POST /nodes/{node}/lxc/{vmid}/template" -> images.template(vmid);
            case "PUT /nodes/{node}/lxc/{vmid}/resize" -> images.resize(vmid, params.get("disk"), params.get("size"));
            case "GET /nodes/{node}/qemu" -> cluster.qemu.list();
            case "GET /nodes/{node}/qemu/{vmid}/config" -> cluster.qemu.config(vmid);
            case "PUT /nodes/{node}/qemu/{vmid}/config" -> {
                cluster.qemu.updateConfig(vmid, params);
                yield null;
            }
            case "GET /nodes/{node}/qemu/{vmid}/status/current" -> cluster.qemu.currentStatus(vmid);
            case "POST /nodes/{node}/qemu/{vmid}/status/start", "POST /nodes/{node}/qemu/{vmid}/status/stop",
                 "POST /nodes/{node}/qemu/{vmid}/status/shutdown", "POST /nodes/{node}/qemu/{vmid}/status/reboot",
                 "POST /nodes/{node}/qemu/{vmid}/status/suspend", "POST /nodes/{node}/qemu/{vmid}/status/resume" ->
                    cluster.qemu.statusAction(vmid, route.substring(route.lastIndexOf('/') + 1), params);
            case "POST /nodes/{node}/qemu/{vmid}/clone" -> cluster.qemu.clone(vmid, params);
            case "POST /nodes/{node}/qemu/{vmid}/template" -> cluster.qemu.template(vmid);
            case "DELETE /nodes/{node}/qemu/{vmid}" -> cluster.qemu.destroy(vmid);
            case "GET /nodes/{node}/qemu/{vmid}/snapshot" -> cluster.qemu.snapshots(vmid);
            case "POST /nodes/{node}/qemu/{vmid}/snapshot" -> cluster.qemu.snapshot(vmid, params.get("snapname"),
                    "1".equals(params.get("vmstate")));
            case "DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}" -> cluster.qemu.deleteSnapshot(vmid,
                    vars.get("snapname"));
            case "POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback" -> cluster.qemu.rollback(vmid,
                    vars.get("snapname"), "1".equals(params.get("start")));
            case "POST /nodes/{node}/qemu/{vmid}/agent/ping" -> cluster.qemu.ping(vmid);
            case "GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces" -> cluster.qemu.networkInterfaces(vmid);
            case "POST /nodes/{node}/qemu/{vmid}/agent/exec" -> cluster.qemu.exec(vmid,
                    List.of(params.get("command").split(PveEmulator.REPEATED, -1)), params.get("input-data"));
            case "GET /nodes/{node}/qemu/{vmid}/agent/exec-status" -> cluster.qemu.execStatus(vmid,
                    Long.parseLong(params.get("pid")));
            case "GET /nodes/{node}/tasks" -> cluster.tasks().list(params);
            case "GET /nodes/{node}/tasks/{upid}/status" -> cluster.tasks().status(upid);
            case "GET /nodes/{node}/tasks/{upid}/log" -> cluster.tasks().log(upid,
                    Integer.parseInt(params.getOrDefault("start", "0")),
                    Integer.parseInt(params.getOrDefault("limit", "50")));
            default -> throw new PveHttpError(501, "Method '" + route + "' not implemented in the emulator");
        };
    }
}

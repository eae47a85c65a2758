package dev.cmux.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cmux.control.config.ConfigSection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link GatewayConfig}: built-in defaults, then the YAML file (every key documented in
 * {@code config/gateway.yaml}), then the environment variables of DESIGN.md, then checks that span keys; each
 * section reads and checks itself ({@link GatewayConfig#read}). All problems are collected and thrown together, so
 * an operator fixes a file in one go.
 */
public final class ConfigLoader {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
        List<String> problems = new ArrayList<>();
        JsonNode root = file == null ? JsonNodeFactory.instance.objectNode() : read(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        GatewayConfig config = GatewayConfig.read(ConfigSection.root(root, env, problems));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static JsonNode read(Path file, List<String> problems) {
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!root.isObject()) {
                problems.add("the file must be a mapping of keys such as 'listen:'");
            }
            return root;
        } catch (NoSuchFileException e) {
            problems.add("no such file");
        } catch (JsonProcessingException e) {
            problems.add("not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return JsonNodeFactory.instance.objectNode();
    }
}

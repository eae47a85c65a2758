package dev.cmux.gateway.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bash completion script of the command tree. The build writes it ({@code gateway/pom.xml}, exec-maven-plugin)
 * and the .deb installs it as {@code /usr/share/bash-completion/completions/cmux-gateway}.
 */
public final class CompletionScript {

    private CompletionScript() {
    }

    /** {@code CompletionScript FILE}: writes the script to FILE. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, bash());
    }

    static String bash() {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        CommandLine tree = GatewayCommand.commandLine(Map.of(), "", configFile -> 0, configFile -> 0, nowhere,
                nowhere);
        return AutoComplete.bash(tree.getCommandName(), tree);
    }
}

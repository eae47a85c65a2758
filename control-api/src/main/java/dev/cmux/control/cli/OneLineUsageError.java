package dev.cmux.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;

/**
 * A command line picocli could not parse: one line naming the command, what was wrong and where its help is, then
 * exit 2. Not the whole usage text: in a terminal or the journal the error would scroll out of sight behind it.
 */
final class OneLineUsageError implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + reason(e) + " (see '" + name + " --help')");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String reason(ParameterException e) {
        List<String> stray = e.getCommandLine().getUnmatchedArguments();
        if (!(e instanceof UnmatchedArgumentException) && !stray.isEmpty()) {
            // picocli reports a missing VMID before the unknown option in "destroy --force": the option is the news
            e = new UnmatchedArgumentException(e.getCommandLine(), stray);
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            // picocli says "Unmatched argument at index 1"; an operator thinks in options and commands
            String word = unmatched.getUnmatched().get(0);
            String kind = unmatched.isUnknownOption() ? "unknown option"
                    : e.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument" : "unknown command";
            List<String> likely = unmatched.getSuggestions(); // most similar first
            return kind + " '" + word + "'" + (likely.isEmpty() ? "" : "; did you mean '" + likely.get(0) + "'?");
        }
        String message = e.getMessage().replaceAll("\\s*\\R\\s*", " ").trim();
        return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
}

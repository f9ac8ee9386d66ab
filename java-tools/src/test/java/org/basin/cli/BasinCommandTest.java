package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The commands Main builds one at a time: each under its own name, and a command line gets only the one it names. */
class BasinCommandTest {
    @Test
    void everyCommandIsRegisteredUnderItsOwnName() {
        assertEquals(23, BasinCommand.COMMANDS.size());
        for (Map.Entry<String, Supplier<Object>> e : BasinCommand.COMMANDS.entrySet()) {
            Object command = e.getValue().get();
            assertEquals(e.getKey(), command.getClass().getAnnotation(Command.class).name(), command.getClass().getSimpleName());
        }
        assertEquals(BasinCommand.COMMANDS.keySet(), Main.commandLine().getSubcommands().keySet());
    }

    @Test
    void aCommandLineBuildsOnlyTheCommandItNames() {
        CommandLine one = Main.commandLine("watershed");
        assertEquals(Set.of("watershed"), one.getSubcommands().keySet());
        assertTrue(one.getSubcommands().get("watershed").getCommandSpec().optionsMap().containsKey("--merge-output"));
        assertEquals(23, Main.commandLine((String) null).getSubcommands().size());
    }
}

package org.equivariant4j.cli;

import java.util.List;

/**
 * Subcommands contributed by modules on the class path (the Spark jobs of {@code equivariant4j-spark}): each provider
 * listed in {@code META-INF/services/org.equivariant4j.cli.SubcommandProvider} adds its picocli command objects to
 * {@link Main}'s command line. The core commands do not depend on those modules.
 */
public interface SubcommandProvider {
    /** New instances of the picocli {@code @Command} objects to add. */
    List<Object> subcommands();
}

package org.equivariant4j.cli;

/** Entry point of the {@code equivariant4j} command (placeholder while the CLI is built). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("equivariant4j");
    }
}

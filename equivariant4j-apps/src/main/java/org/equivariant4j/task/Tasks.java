package org.equivariant4j.task;

import java.util.List;

/** The tasks this version knows (for model cards and {@code predict}). */
public final class Tasks {
    private Tasks() {}

    /** All tasks. */
    public static List<TaskDefinition> all() {
        return List.of(NBodyTask.DEFINITION, RotMnistTask.DEFINITION, Md17Task.DEFINITION, VoxelsTask.DEFINITION);
    }

    /** The task of that name. */
    public static TaskDefinition byName(String name) {
        for (TaskDefinition t : all()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; this version knows "
                + all().stream().map(TaskDefinition::name).toList());
    }
}

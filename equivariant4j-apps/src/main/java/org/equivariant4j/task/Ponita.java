package org.equivariant4j.task;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.equivariant4j.group.Groups;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.lifted.Fiber;
import org.equivariant4j.nn.lifted.PonitaModel;
import org.equivariant4j.nn.lifted.RotationFiber;
import org.equivariant4j.nn.lifted.SphereFiber;
import org.equivariant4j.o3.Irreps;

/**
 * The N-body task's lifted models (PONITA): {@code ponita} on position–orientation space R³ × S² sampled at the 12
 * vertices of the icosahedron, and {@code ponita-se3}, the full lift to SE(3) sampled at the 24 rotations of the cube.
 * Inputs as the reference code's: node features charge (1x0e) and velocity (1x1o), positions; output a displacement
 * (1x1o) added to the positions. Sizes are smaller than the paper's (H = 128, B = 256, 5 layers, widening 4, 16
 * orientations) to keep CPU epochs short; still, an epoch costs several EGNN epochs on the CPU
 * ({@code bench.PonitaEpochBench} measures the ratio).
 */
final class Ponita {
    static final int HIDDEN = 64;
    static final int BASIS = 64;
    static final int DEGREE = 3;
    static final int LAYERS = 4;
    static final int WIDENING = 2;
    static final double LAYER_SCALE = 1e-6;

    private Ponita() {}

    static final ModelSpec SPHERE = spec("ponita", new SphereFiber(SphereGrid.icosahedral(12)),
            "message passing lifted to position-orientation space R3 x S2 (PONITA of Bekkers et al.)",
            "E(3) x S_n: exact for the 120 rotations and reflections of the icosahedron, approximate for the others");

    static final ModelSpec ROTATIONS = spec("ponita-se3", RotationFiber.of(Groups.octahedral()),
            "message passing lifted to SE(3) (the full lift: PONITA's layers on a grid of rotations)",
            "SE(3) x S_n: exact for the 24 rotations of the cube, approximate for the others; not reflections");

    private static ModelSpec spec(String name, Fiber fiber, String description, String group) {
        return new ModelSpec(NBodyTask.NAME, name, description,
                ModelSpec.ordered("grid", fiber.description(), "grid_size", fiber.size(), "hidden", HIDDEN, "basis", BASIS,
                        "degree", DEGREE, "layers", LAYERS, "widening", WIDENING, "layer_scale", LAYER_SCALE,
                        "readouts", "every layer", "node_irreps", NBodyGraphs.PONITA_NODE_IRREPS),
                ModelSpec.ordered("group", group,
                        "input", "node features charge (1x0e) and velocity (1x1o), positions x (1x1o, translating)",
                        "hidden", HIDDEN + " channels of signals on the " + fiber.size() + " grid elements of every node",
                        "output", "displacement (1x1o), added to the positions"),
                (seed, m) -> {
                    Engine.getInstance().setRandomSeed((int) seed);
                    PonitaModel b = PonitaModel.builder(fiber, Irreps.parse(NBodyGraphs.PONITA_NODE_IRREPS), Irreps.parse("1x1o"))
                            .hidden(HIDDEN).basis(BASIS).degree(DEGREE).layers(LAYERS).widening(WIDENING).layerScale(LAYER_SCALE)
                            .build();
                    b.initialize(m, DataType.FLOAT32);
                    return b;
                });
    }
}

package io.dxmi.pipeline;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Kafka ACLs each process of a run needs, and no more: on a cluster with an authorizer, a principal with
 * these can do its part of the run and cannot, for example, stop it or write another service's messages
 * (only {@code submit} and the operator may write the run's spec topic). Every name is literal (the run's own
 * topics), so one run's principals cannot touch another run. No process of a run joins a consumer group (each
 * assigns its partitions itself), so there are no group ACLs.
 *
 * <p>Every process: DESCRIBE and CREATE on the run's topics (a process creates a missing topic of its run,
 * idempotently), READ on the spec topic (the plan, the stop mark) and WRITE on the dead-letter topic.
 */
public final class RunAcls {

    /** The processes of a run that connect to Kafka. */
    public static final List<String> ROLES = List.of("submit", "sampler-actor", "ebm-learner", "value-learner",
            "evaluator", "dashboard", "operator");

    private RunAcls() {}

    /** The ACLs of {@code role} for {@code principal} (e.g. {@code User:actor}) in run {@code run}. */
    public static List<AclBinding> bindings(String run, String role, String principal) {
        RunTopics t = new RunTopics(run);
        List<AclBinding> out = new ArrayList<>();
        for (String topic : t.all()) {
            out.add(topic(topic, AclOperation.DESCRIBE, principal));
            out.add(topic(topic, AclOperation.CREATE, principal));
        }
        out.add(topic(t.spec(), AclOperation.READ, principal));
        out.add(topic(t.deadLetters(), AclOperation.WRITE, principal));
        switch (role) {
            case "submit" -> {
                out.add(topic(t.spec(), AclOperation.WRITE, principal));
                out.add(topic(t.snapshots(RunTopics.POLICY), AclOperation.WRITE, principal));
            }
            case "sampler-actor" -> {
                readSnapshots(out, t, principal);
                out.add(topic(t.trajectories(), AclOperation.WRITE, principal));
                // A restarted actor reads its newest batch back to continue its rollout stream (assign-only: no group).
                out.add(topic(t.trajectories(), AclOperation.READ, principal));
            }
            case "ebm-learner" -> {
                out.add(topic(t.trajectories(), AclOperation.READ, principal));
                readSnapshots(out, t, principal);
                writeSnapshots(out, t, principal, RunTopics.EBM, RunTopics.EMA);
            }
            case "value-learner" -> {
                out.add(topic(t.trajectories(), AclOperation.READ, principal));
                readSnapshots(out, t, principal);
                writeSnapshots(out, t, principal, RunTopics.POLICY, RunTopics.VALUE);
            }
            case "evaluator" -> {
                readSnapshots(out, t, principal);
                out.add(topic(t.evaluations(), AclOperation.READ, principal));
                out.add(topic(t.evaluations(), AclOperation.WRITE, principal));
            }
            case "dashboard" -> {
                out.add(topic(t.evaluations(), AclOperation.READ, principal));
            }
            case "operator" -> {
                // dxmi runs (list, status, stop, resume, delete) and dxmi export.
                for (String topic : t.all()) {
                    out.add(topic(topic, AclOperation.READ, principal));
                    out.add(topic(topic, AclOperation.DELETE, principal));
                }
                out.add(topic(t.spec(), AclOperation.WRITE, principal));
                out.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                        new AccessControlEntry(principal, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)));
            }
            default -> throw new IllegalArgumentException("unknown role '" + role + "'; roles: "
                    + String.join(", ", ROLES));
        }
        return out;
    }

    /**
     * The same ACLs as {@code kafka-acls.sh} command lines, for operators who manage ACLs with Kafka's own tool
     * ({@code --command-config} names the admin's client properties).
     */
    public static List<String> commands(String run, String role, String principal, String bootstrap) {
        List<String> lines = new ArrayList<>();
        for (AclBinding b : bindings(run, role, principal)) {
            ResourcePattern p = b.pattern();
            String resource = switch (p.resourceType()) {
                case TOPIC -> "--topic " + p.name();
                default -> "--cluster";
            };
            lines.add("kafka-acls.sh --bootstrap-server " + bootstrap + " --command-config admin.properties --add"
                    + " --allow-principal " + principal + " --operation "
                    + b.entry().operation().name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + resource);
        }
        return lines;
    }

    private static void readSnapshots(List<AclBinding> out, RunTopics t, String principal) {
        for (String model : RunTopics.MODELS) {
            out.add(topic(t.snapshots(model), AclOperation.READ, principal));
        }
    }

    /** Each model's snapshots (and their chunks) have one writer role; a learner's restart reads its own back. */
    private static void writeSnapshots(List<AclBinding> out, RunTopics t, String principal, String... models) {
        for (String model : models) {
            out.add(topic(t.snapshots(model), AclOperation.WRITE, principal));
        }
    }

    private static AclBinding topic(String name, AclOperation op, String principal) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}

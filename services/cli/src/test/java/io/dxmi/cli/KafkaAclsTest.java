package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunAcls;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's ACLs, tested: the embedded broker with Kafka's StandardAuthorizer and a SASL/PLAIN listener, one
 * principal per process of a run holding exactly {@link RunAcls}'s ACLs (nothing is allowed without an ACL). The
 * run goes through to its final model, and a principal cannot do what its role does not need: an actor cannot
 * stop the run or publish a policy, and cannot read another run.
 */
@Tag("integration")
class KafkaAclsTest {

    private static final String RUN = "secured";
    private static final List<String> USERS = List.of("submit", "actor", "ebm", "value", "evaluator", "operator");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    @SuppressWarnings("try") // resources held for a block that does not use them
    void eachServiceRunsWithItsOwnAclsAndNoMore() throws Exception {
        DjlRuntime.configure(1);
        int plain = ClusterProcessesTest.freePort("127.0.0.1");
        int sasl = ClusterProcessesTest.freePort("127.0.0.1");
        int controller = ClusterProcessesTest.freePort("127.0.0.1");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        for (String u : USERS) {
            jaas.append(" user_").append(u).append("=\"").append(u).append("-pw\"");
        }
        Map<String, String> broker = new LinkedHashMap<>();
        broker.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + sasl
                + ",CONTROLLER://127.0.0.1:" + controller);
        broker.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + sasl);
        broker.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
                + "CONTROLLER:PLAINTEXT");
        broker.put("sasl.enabled.mechanisms", "PLAIN");
        broker.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas + ";");
        broker.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The broker's own listeners (inter-broker, controller, this test's admin) are the super user.
        broker.put("super.users", "User:ANONYMOUS");
        broker.put("allow.everyone.if.no.acl.found", "false");
        DataSource data = ToyDatasets.byName("8gaussians");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka"))
                .optPort(plain).optControllerPort(controller).optProperties(broker).build().start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + plain));
                DdpmModel ddpm = new DdpmPretrainer(new PretrainConfig(1000, 1e-4, 0.02, 100, 64, 2e-3f, true,
                        TinyRun.NETWORK, 1L), ProgressListener.NONE).train(2, Normalization.identity(2),
                        data::sample)) {
            Map<String, String> roles = Map.of("submit", "submit", "actor", "sampler-actor", "ebm", "ebm-learner",
                    "value", "value-learner", "evaluator", "evaluator", "operator", "operator");
            List<AclBinding> acls = new ArrayList<>();
            roles.forEach((user, role) -> acls.addAll(RunAcls.bindings(RUN, role, "User:" + user)));
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);

            String bootstrap = "127.0.0.1:" + sasl;
            Vertx vertx = Vertx.vertx();
            try {
                RunPlan plan = Submission.plan(RUN, TinyRun.config(12, 5), ddpm, data, "8gaussians", "sync", 0, 5, 6);
                try (PipelineContext ctx = PipelineContext.open(vertx, as("submit", bootstrap), RUN, "submit",
                        Metrics.create("submit"))) {
                    Submission.submit(ctx, plan, ddpm);
                }
                Path state = tmp.resolve("state");
                Path out = tmp.resolve("out");
                EbmLearnerVerticle ebm = new EbmLearnerVerticle(options("ebm", bootstrap, state));
                ValueLearnerVerticle value = new ValueLearnerVerticle(options("value", bootstrap, state));
                SamplerActorVerticle actor = new SamplerActorVerticle(options("actor", bootstrap, state));
                EvaluatorVerticle evaluator = EvaluatorVerticle.builder().setOptions(options("evaluator", bootstrap,
                        state)).optOutput(out).build();
                for (var v : List.of(ebm, value, evaluator, actor)) {
                    vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
                }
                evaluator.finished().toCompletionStage().toCompletableFuture().get(6, TimeUnit.MINUTES);
                assertTrue(Files.isRegularFile(out.resolve("model.json")));
                assertTrue(Files.isRegularFile(out.resolve("result.json")));
                assertEquals(12, ebm.iteration());
                assertEquals(12, value.iteration());

                // What a role does not need, it cannot do.
                try (RunCatalog asActor = new RunCatalog(as("actor", bootstrap), Duration.ofSeconds(20))) {
                    IllegalStateException stop = assertThrows(IllegalStateException.class,
                            () -> asActor.stop(RUN, "hostile"));
                    assertTrue(stop.getMessage().contains("uthoriz"), stop.getMessage());
                }
                try (PipelineContext ctx = PipelineContext.open(vertx, as("actor", bootstrap), RUN, "actor",
                        Metrics.create("hostile"))) {
                    Exception poison = assertThrows(Exception.class, () -> ctx.snapshots(plan)
                            .publish("policy", 1_000_000_000L, 0, -1, Map.of("w", new float[] {1f}))
                            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
                    assertTrue(String.valueOf(poison.getMessage()).contains("uthoriz"), String.valueOf(poison));
                }
                try (Admin actorAdmin = Admin.create(new HashMap<>(as("actor", bootstrap).adminProperties()))) {
                    ExecutionException other = assertThrows(ExecutionException.class, () -> actorAdmin
                            .createTopics(List.of(new NewTopic("dxmi.other-run.spec", 1, (short) 1))).all()
                            .get(60, TimeUnit.SECONDS), "no ACL for another run's topics");
                    assertTrue(other.getCause() instanceof TopicAuthorizationException, String.valueOf(other));
                }
                // The operator may stop it (and the same through the command line).
                CommandLineTest.Run stop = CommandLineTest.dxmi("runs", "stop", RUN, "--bootstrap", bootstrap,
                        "--kafka-config", clientConfig("operator").toString());
                assertEquals(0, stop.code(), stop.err());
                CommandLineTest.Run denied = CommandLineTest.dxmi("runs", "stop", RUN, "--bootstrap", bootstrap,
                        "--kafka-config", clientConfig("actor").toString());
                assertEquals(ExitCode.FAILED, denied.code(), denied.err());
                assertTrue(denied.err().contains("uthoriz") && !denied.err().contains("actor-pw"), denied.err());
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaSettings as(String user, String bootstrap) {
        return KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix("acl-" + user)
                .optProperties(client(user)).build();
    }

    private static Map<String, String> client(String user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + user + "-pw\";");
    }

    private Path clientConfig(String user) throws Exception {
        Path f = tmp.resolve(user + ".properties");
        StringBuilder b = new StringBuilder();
        client(user).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return Files.writeString(f, b);
    }

    private static ServiceOptions options(String user, String bootstrap, Path state) {
        return new ServiceOptions(as(user, bootstrap), RUN, "0", state, Metrics.create(user), Duration.ofMinutes(2));
    }
}

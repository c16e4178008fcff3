package dev.osmigrate.stack;

import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Supplier;

import org.opensearch.client.Client;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.repositories.s3.S3RepositoryPlugin;
import org.opensearch.script.ScriptService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.watcher.ResourceWatcherService;

/**
 * repository-s3 3.1.0 on a 2.19 server. A 2.19 node calls createComponents with 2.19's
 * signature (org.opensearch.client.Client), which the 3.x plugin does not override, so its
 * executors and services were never built and `PUT _snapshot` failed with an NPE. This override
 * hands the call on to the 3.x method.
 */
public final class S3RepositoryPlugin219 extends S3RepositoryPlugin {
    public S3RepositoryPlugin219(Settings settings, Path configPath) {
        super(settings, configPath);
    }

    @Override
    public Collection<Object> createComponents(
        Client client,
        ClusterService clusterService,
        ThreadPool threadPool,
        ResourceWatcherService resourceWatcherService,
        ScriptService scriptService,
        NamedXContentRegistry xContentRegistry,
        Environment environment,
        NodeEnvironment nodeEnvironment,
        NamedWriteableRegistry namedWriteableRegistry,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<RepositoriesService> repositoriesServiceSupplier
    ) {
        return super.createComponents(
            (org.opensearch.transport.client.Client) null,
            clusterService,
            threadPool,
            resourceWatcherService,
            scriptService,
            xContentRegistry,
            environment,
            nodeEnvironment,
            namedWriteableRegistry,
            indexNameExpressionResolver,
            repositoriesServiceSupplier
        );
    }
}

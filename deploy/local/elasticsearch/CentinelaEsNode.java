import java.util.concurrent.CountDownLatch;

import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

/**
 * Starts one local Elasticsearch node (all bundled modules) and blocks until SIGTERM.
 *
 * <p>Arguments: basePath httpPort transportPort clusterName.
 * Compiled by {@code pipeline.services} at install time; see docs/services.md.
 */
public final class CentinelaEsNode {
    private CentinelaEsNode() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: CentinelaEsNode BASE_PATH HTTP_PORT TRANSPORT_PORT CLUSTER");
            System.exit(2);
        }
        final String basePath = args[0];
        final int httpPort = Integer.parseInt(args[1]);
        final int transportPort = Integer.parseInt(args[2]);
        final ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
        // The runner adds the node number (1) to the base HTTP port and scans for a free
        // one; disable scanning so a busy port is an error instead of a silent move.
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("transport.port", transportPort);
            settings.put("discovery.type", "single-node");
            settings.put("node.name", "centinela-local");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("http.cors.enabled", false);
        });
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("close failed: " + e);
            }
            stopped.countDown();
        }));
        runner.build(ElasticsearchClusterRunner.newConfigs()
                .basePath(basePath)
                .numOfNode(1)
                .baseHttpPort(httpPort - 1)
                .clusterName(args[3])
                .build());
        System.out.println("centinela-es-node started http=" + httpPort);
        stopped.await();
    }
}

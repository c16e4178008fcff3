package org.opensearch.transport.client;

/**
 * The type repository-s3 3.x names in its createComponents signature (OpenSearch 3.0 moved the
 * client from org.opensearch.client to here). Without it the 3.1.0 plugin's classes do not link on
 * a 2.19 server. Nothing implements it: S3RepositoryPlugin219 passes null, and the plugin never
 * uses the client.
 */
public interface Client {}

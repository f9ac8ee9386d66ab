# The basin tools image: the tools jar and its launcher on a Java 17 runtime. Nextflow runs every task in it
# with -profile docker, singularity or awsbatch.
#   docker build -t basin-tools:0.1.0 .
#   GPU inference: docker build --build-arg MAVEN_PROFILE=gpu \
#       --build-arg RUNTIME=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 -t basin-tools:0.1.0-gpu .
ARG RUNTIME=eclipse-temurin:17-jre
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MAVEN_PROFILE=
WORKDIR /src
COPY pom.xml .
COPY java-tools/pom.xml java-tools/
COPY java-tools/src java-tools/src
RUN mvn -q -f java-tools/pom.xml ${MAVEN_PROFILE:+-P $MAVEN_PROFILE} package -DskipTests \
    && cp java-tools/target/basin${MAVEN_PROFILE:+-$MAVEN_PROFILE}.jar /tmp/basin.jar && cp java-tools/target/basin.version /tmp/basin.version

FROM ${RUNTIME}
# procps: Nextflow reads task metrics with ps; the CUDA runtime image needs a JRE of its own
RUN if ! command -v java >/dev/null; then apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
        && rm -rf /var/lib/apt/lists/*; fi \
    && (command -v ps >/dev/null || (apt-get update && apt-get install -y --no-install-recommends procps && rm -rf /var/lib/apt/lists/*))
COPY --from=build /tmp/basin.jar /opt/basin/basin.jar
COPY --from=build /tmp/basin.version /opt/basin/basin.version
COPY bin/basin /usr/local/bin/basin
ENV BASIN_JAR=/opt/basin/basin.jar
ENTRYPOINT []
CMD ["basin", "--help"]

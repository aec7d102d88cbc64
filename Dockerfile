# TailHub in a container: the self-contained single-file binary on .NET's smallest base image, run as a user that
# is not root, its state in the /data volume. Build and run (README, Install):
#   docker build -t tailhub .
#   docker run -d -p 127.0.0.1:5080:5080 -v /var/log:/var/log:ro -v tailhub-data:/data tailhub --source syslog=/var/log/syslog
# deploy/compose.yaml does the same with Compose. tests/Deploy/InstallTests.cs runs this file's build commands.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The project files alone first, so a change in the sources reuses the restored layer.
COPY TailHub.csproj Directory.Build.props ./
RUN dotnet restore TailHub.csproj -r linux-x64
COPY appsettings.json ./
COPY src/ src/
COPY wwwroot/ wwwroot/
RUN dotnet publish TailHub.csproj -c Release -r linux-x64 --no-restore -o /out

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
# curl for the health check; nothing else is added to the base image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data \
 && chown app:app /data
COPY --from=build /out/TailHub /usr/local/bin/tailhub
# TailHub's own log and its sources' state go to STATE_DIRECTORY (src/Hosting/StateFolder.cs). It listens on every
# interface of the container, which is how a published port reaches it: publish it on 127.0.0.1 unless access
# control is on (README, Install and Access control). The base image's own port setting is cleared: URLS decides.
ENV STATE_DIRECTORY=/data \
    URLS=http://+:5080 \
    ASPNETCORE_HTTP_PORTS=
VOLUME ["/data"]
# The base image's own unprivileged user (UID 1654).
USER app
EXPOSE 5080
# Liveness: the process answers. A source that cannot be read is reported by /healthz/ready and the page, but is no
# reason to restart TailHub.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:5080/healthz/live"]
ENTRYPOINT ["tailhub"]

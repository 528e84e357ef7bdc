/**
 * The one GraphQL request a refresh makes to RunPod. It never requests `env`, which contains pod
 * secrets in clear text, nor for `uptimeSeconds`, which RunPod always reports as 0.
 */
export const SNAPSHOT_QUERY = `query UsageSheetSnapshot {
  myself {
    id
    clientBalance
    currentSpendPerHr
    spendLimit
    pods {
      id
      name
      desiredStatus
      costPerHr
      adjustedCostPerHr
      gpuCount
      volumeInGb
      containerDiskInGb
      ports
      machine { gpuDisplayName location }
      runtime {
        uptimeInSeconds
        gpus { id gpuUtilPercent memoryUtilPercent }
      }
    }
  }
}`;

export const RUNPOD_GRAPHQL_URL = 'https://api.runpod.io/graphql';

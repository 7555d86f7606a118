package model
import ("testing";"unsafe")
func TestZZSizes(t *testing.T){
 t.Logf("Conversation %d connState %d flowState %d Machine %d smSide %d smPending %d convKey %d", unsafe.Sizeof(Conversation{}), unsafe.Sizeof(connState{}), unsafe.Sizeof(flowState{}), unsafe.Sizeof(Machine{}), unsafe.Sizeof(smSide{}), unsafe.Sizeof(smPending{}), unsafe.Sizeof(convKey{}))
}
